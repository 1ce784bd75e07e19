/**
 * The one-file build (dist/meshc.cjs, scripts/bundle.mjs) is the CLI users run; the test
 * suites run the modules. This suite builds both into a private directory (never the
 * shared dist/) and runs every fixture through both: same stdout, stderr, exit code and
 * output tree, for validate, config, plan, explain and compile. A bundle that lost a module,
 * a file location (templates/, generated validators, package.json) or a lazily loaded
 * built-in differs here. Slow (a tsc build and a bundle), hence the kernel project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateBuild } from '../unit/hardening/private-build.js';
import { ROOT, tempDir } from './tools.js';

const scratch = tempDir('bundle');
afterAll(() => scratch.remove());

let build: { bin: string; dir: string };
beforeAll(() => {
  build = privateBuild();
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), '--dist', join(build.dir, 'dist'), '--code-cache'], { stdio: 'pipe' });
  // The same launcher as the package's, and a second entry that imports the modules instead.
  writeFileSync(join(build.dir, 'bin', 'package.json'), readFileSync(join(ROOT, 'bin', 'package.json')));
  writeFileSync(join(build.dir, 'modules.mjs'), "import('./dist/cli/main.js').then((cli) => cli.main());\n");
}, 600_000);

function run(entry: string, args: readonly string[], cwd: string) {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Every stack file under fixtures/ with the inventory beside it, when there is one. */
function cases(): { name: string; dir: string; args: string[] }[] {
  const found: { name: string; dir: string; args: string[] }[] = [];
  for (const group of ['seed', 'compile', 'errors', 'cluster']) {
    const base = join(ROOT, 'fixtures', group);
    const dirs = existsSync(join(base, 'stack.yml')) || existsSync(join(base, 'meshc.yml')) ? [base] : readdirSync(base).map((d) => join(base, d)).filter((d) => statSync(d).isDirectory());
    for (const dir of dirs) {
      const file = ['meshc.yml', 'stack.yml'].find((f) => existsSync(join(dir, f)));
      if (!file) continue;
      const inventory = file === 'stack.yml' && existsSync(join(dir, 'inventory.yml')) ? ['-i', 'inventory.yml'] : [];
      found.push({ name: relative(join(ROOT, 'fixtures'), dir), dir, args: [file, ...inventory] });
    }
  }
  return found;
}

describe('the bundled CLI behaves as the modules do', () => {
  it.each(cases())('$name', ({ name, dir, args }) => {
    const bundled = join(build.dir, 'bin', 'meshc.js');
    const modules = join(build.dir, 'modules.mjs');
    for (const command of ['validate', 'config', 'plan', 'explain', 'compile']) {
      const argv = command === 'config' ? [command, args[0] as string] : [command, ...args];
      // compile writes its tree and its lock into the scratch directory, never into fixtures/.
      const outA = join(scratch.path, `${name.replace(/\//g, '_')}-bundle`);
      const outB = join(scratch.path, `${name.replace(/\//g, '_')}-modules`);
      const writes = (out: string) => (command === 'compile' ? ['-o', out, '--lock', `${out}.lock.json`] : []);
      const a = run(bundled, [...argv, ...writes(outA)], dir);
      const b = run(modules, [...argv, ...writes(outB)], dir);
      const strip = (s: string) => s.split(outA).join('OUT').split(outB).join('OUT');
      expect({ ...a, stdout: strip(a.stdout), stderr: strip(a.stderr) }, `${name}: meshc ${argv.join(' ')}`).toEqual({ ...b, stdout: strip(b.stdout), stderr: strip(b.stderr) });
      expect(a.status, `${name}: meshc ${argv.join(' ')}: ${a.stderr}`).not.toBe(3);
      if (command === 'compile') expect(tree(outA)).toEqual(tree(outB));
    }
  }, 120_000);

  it('answers --version and --help alike', () => {
    for (const argv of [['--version'], ['--help'], ['compile', '--help'], ['completion', 'bash']]) {
      expect(run(join(build.dir, 'bin', 'meshc.js'), argv, scratch.path)).toEqual(run(join(build.dir, 'modules.mjs'), argv, scratch.path));
    }
  });
});

describe('start-up loads only what the command needs', () => {
  // yaml's code is a third of the CLI's: a plain block file (the fast reader's subset) must
  // not load it (src/source/yaml-runtime.ts); a file beyond the subset must.
  it('validates a plain block stack without the yaml library, and loads it for an anchor', () => {
    const probe = join(scratch.path, 'report-yaml-load.cjs');
    writeFileSync(
      probe,
      "const fs = require('node:fs'); const read = fs.readFileSync;\n" +
        "fs.readFileSync = function (p, ...rest) { if (String(p).endsWith('yaml.cjs')) process.stderr.write('LOADED yaml.cjs\\n'); return read.call(this, p, ...rest); };\n",
    );
    const plain = join(scratch.path, 'plain.yml');
    writeFileSync(plain, 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n    deploy: {replicas: 2}\n');
    const anchored = join(scratch.path, 'anchored.yml');
    writeFileSync(anchored, 'version: "3.8"\nx-image: &image nginx:1.27\nservices:\n  web:\n    image: *image\n');
    const bundled = join(build.dir, 'bin', 'meshc.js');
    const validate = (file: string) => spawnSync(process.execPath, ['-r', probe, bundled, 'validate', file], { cwd: scratch.path, encoding: 'utf8', timeout: 60_000 });
    const a = validate(plain);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).not.toContain('LOADED yaml.cjs');
    const b = validate(anchored);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toContain('LOADED yaml.cjs');
  });
});

describe('a reader that closes the pipe early (meshc config … | true)', () => {
  // node ignores SIGPIPE: a write to a closed pipe raised an unhandled EPIPE 'error' event
  // (a crash, exit 1, a stack trace on stderr). A shell tool ends quietly there instead.
  it('ends meshc quietly with its own exit code, every time', () => {
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('bash', ['-c', '"$0" "$1" config "$2" | true; exit "${PIPESTATUS[0]}"', process.execPath, build.bin, join(ROOT, 'fixtures', 'seed', 'stack.yml')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(r.status).toBe(0);
    }
  });
});
