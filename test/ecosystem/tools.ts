/**
 * Shared by the ecosystem tests: where this checkout is, whether meshc is built and
 * answers, and temp directories that are removed afterwards.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MESHC = join(ROOT, 'bin', 'meshc.js');

export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

export interface Run {
  readonly status: number | null;
  readonly out: string;
}

/** Runs argv; stdout and stderr together (in order enough for assertions), never throws. */
export function sh(argv: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Run {
  const r: SpawnSyncReturns<string> = spawnSync(argv[0] as string, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Why meshc itself cannot be run from this checkout (not built, or the command fails on `probe`), or null. */
export function meshcSkipReason(probe: readonly string[], cwd: string): string | null {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return 'meshc is not built (npm run build)';
  const r = sh(['node', MESHC, ...probe], { cwd });
  return r.status === 0 ? null : `\`meshc ${probe.join(' ')}\` does not work yet (exit ${r.status}): ${r.out.trim().split('\n')[0]}`;
}

/** Says on stderr why a suite is skipped: the default reporter shows no names of skipped suites. */
export function announceSkip(suite: string, reason: string | null): void {
  if (reason) process.stderr.write(`[skip] ${suite}: ${reason}\n`);
}

export function tempDir(tag: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `meshc-${tag}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
