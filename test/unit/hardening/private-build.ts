/**
 * A private build of meshc for suites that must run it as a child process (to measure its
 * time and memory): `tsc` into a temp directory, so the suite never depends on, or races
 * with, the shared dist/ that other people rebuild. Non-TypeScript files under src/
 * (precompiled validators, bundled runtime) are copied; templates, schemas, package.json
 * and node_modules are linked from the tree.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Builds meshc into a fresh temp directory; returns the path of its bin/meshc.js. */
export function privateBuild(): { bin: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-h7-build-'));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], { stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    // Type errors in someone's work in progress still emit JavaScript; only a missing entry point matters.
    void err;
  }
  for (const file of walk(join(ROOT, 'src'))) {
    if (/\.(ts)$/.test(file)) continue;
    const to = join(dir, 'dist', relative(join(ROOT, 'src'), file));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(file, to);
  }
  mkdirSync(join(dir, 'bin'));
  cpSync(join(ROOT, 'bin', 'meshc.js'), join(dir, 'bin', 'meshc.js'));
  for (const name of ['templates', 'schemas', 'package.json', 'node_modules']) symlinkSync(join(ROOT, name), join(dir, name));
  return { bin: join(dir, 'bin', 'meshc.js'), dir };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
