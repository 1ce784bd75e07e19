/**
 * Issue 13 items 3, 4 and 11 where only a real kernel can show them: a private build of
 * meshc in child processes, `-o` as a mount point (tmpfs in a private mount namespace),
 * a writable `-o` under a read-only parent and a read-only stack directory (as the
 * unprivileged user 65534, since root ignores file modes), and special files as inputs
 * (a FIFO lock, /dev/zero as `-i`) answered at once instead of hanging or exhausting memory.
 * Needs root (unshare, setpriv); skips with the reason otherwise.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateBuild } from '../unit/hardening/private-build.js';

const SEED = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n';
const NOBODY = 65534;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const skip = process.getuid?.() !== 0 ? 'needs root (mount namespaces, setpriv)' : !has('unshare') || !has('setpriv') || !has('mkfifo') ? 'needs unshare, setpriv and mkfifo (util-linux, coreutils)' : null;

let build: { bin: string; dir: string };
// MESHC_BIN=path runs these tests against another build (used once to show they fail on the code before the fix).
const made: string[] = [];
beforeAll(() => {
  if (skip) return;
  if (process.env.MESHC_BIN) {
    build = { bin: process.env.MESHC_BIN, dir: mkdtempSync(join(tmpdir(), 'meshc-i13-unused-')) };
    return;
  }
  build = privateBuild();
  chmodSync(build.dir, 0o755); // the unprivileged user runs it too
}, 300_000);
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
  if (build) rmSync(build.dir, { recursive: true, force: true });
});

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'meshc-i13-k-'));
  chmodSync(d, 0o755);
  made.push(d);
  return d;
}

/** meshc ARGS in `cwd`, killed after 20 s (a hang fails the test instead of the suite). */
function meshc(cwd: string, args: readonly string[], opts: { nobody?: boolean } = {}): SpawnSyncReturns<string> {
  const cmd = [process.execPath, build.bin, ...args];
  const argv = opts.nobody ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...cmd] : cmd;
  return spawnSync('timeout', ['-s', 'KILL', '20', ...argv], { cwd, encoding: 'utf8' });
}

function snapshot(dir: string): Record<string, string> {
  const snap: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      snap[path] = st.isDirectory() ? 'dir' : readFileSync(join(dir, path)).toString('base64');
      if (st.isDirectory()) walk(path);
    }
  };
  walk('');
  return snap;
}

describe.skipIf(skip !== null)(`output locations and special inputs${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('4. -o as a mount point: contents replaced (twice), the mount\'s mode kept', () => {
    const t = scratch();
    writeFileSync(join(t, 'stack.yml'), SEED);
    mkdirSync(join(t, 'out'));
    const script = [
      'set -e',
      'mount -t tmpfs -o mode=0751 tmpfs out',
      '"$0" "$1" compile stack.yml -o out',
      '"$0" "$1" compile stack.yml -o out',
      'stat -c %a out',
      'ls -A out',
    ].join('\n');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, build.bin], { cwd: t, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [mode, ...entries] = r.stdout.trim().split('\n');
    expect(mode).toBe('751');
    expect(entries.sort()).toEqual(['.meshc-output.json', 'local', 'plan.json', 'playbook.yml', 'shared']);
  }, 60_000);

  it('4. a writable -o under a read-only parent works, and keeps its mode', () => {
    const t = scratch();
    const stacks = join(t, 'stacks');
    mkdirSync(stacks);
    writeFileSync(join(stacks, 'stack.yml'), SEED);
    chownSync(stacks, NOBODY, NOBODY);
    mkdirSync(join(t, 'ro'));
    mkdirSync(join(t, 'ro', 'out'), { mode: 0o700 });
    chownSync(join(t, 'ro', 'out'), NOBODY, NOBODY);
    chmodSync(join(t, 'ro', 'out'), 0o700);
    for (let i = 0; i < 2; i++) {
      const r = meshc(t, ['compile', 'stacks/stack.yml', '-o', 'ro/out'], { nobody: true });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(statSync(join(t, 'ro', 'out')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(t, 'ro', 'out')).sort()).toEqual(['.meshc-output.json', 'local', 'plan.json', 'playbook.yml', 'shared']);
    expect(readdirSync(join(t, 'ro'))).toEqual(['out']);
  }, 60_000);

  it('3. a read-only stack directory (the lock cannot be written): the tree is not touched either', () => {
    const t = scratch();
    const stacks = join(t, 'stacks');
    mkdirSync(stacks);
    writeFileSync(join(stacks, 'stack.yml'), SEED);
    chownSync(stacks, NOBODY, NOBODY);
    mkdirSync(join(t, 'out'));
    chownSync(join(t, 'out'), NOBODY, NOBODY);
    expect(meshc(t, ['compile', 'stacks/stack.yml', '-o', 'out'], { nobody: true }).status).toBe(0);
    const lockName = readdirSync(stacks).find((n) => n.endsWith('.meshc-lock.json'))!;
    const lockBefore = readFileSync(join(stacks, lockName), 'utf8');
    const treeBefore = snapshot(join(t, 'out'));
    // A new service needs new allocations, so the lock must change; its directory is now root's.
    writeFileSync(join(stacks, 'stack.yml'), `${SEED}  api:\n    image: nginx\n    ports: ["80"]\n`);
    chownSync(stacks, 0, 0);
    const r = meshc(t, ['compile', 'stacks/stack.yml', '-o', 'out'], { nobody: true });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_UNWRITABLE: .*EACCES/);
    expect(snapshot(join(t, 'out'))).toEqual(treeBefore);
    expect(readFileSync(join(stacks, lockName), 'utf8')).toBe(lockBefore);
    expect(readdirSync(stacks).sort()).toEqual(['stack.yml', lockName].sort());
  }, 60_000);

  it('12. an unreadable file inside a diffed output: exit 2 and a diagnostic, no trace', () => {
    const t = scratch();
    writeFileSync(join(t, 'stack.yml'), SEED);
    expect(meshc(t, ['compile', 'stack.yml', '-o', 'out']).status).toBe(0);
    chmodSync(join(t, 'out', 'plan.json'), 0);
    const r = meshc(t, ['diff', 'out', 'out'], { nobody: true });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error FILE_UNREADABLE: .*plan\.json/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 30_000);

  it.each([
    ['a FIFO lock', (t: string) => spawnSync('mkfifo', [join(t, 'stack.yml.meshc-lock.json')]), ['validate', 'stack.yml']],
    ['a FIFO stack', (t: string) => spawnSync('mkfifo', [join(t, 'fifo.yml')]), ['validate', 'fifo.yml']],
    ['-i /dev/zero', () => undefined, ['validate', 'stack.yml', '-i', '/dev/zero']],
    ['-i a FIFO', (t: string) => spawnSync('mkfifo', [join(t, 'inv.yml')]), ['validate', 'stack.yml', '-i', 'inv.yml']],
  ] as const)('11. %s is refused at once: exit 2 within 5 s, no trace', (_name, plant, args) => {
    const t = scratch();
    writeFileSync(join(t, 'stack.yml'), SEED);
    plant(t);
    const t0 = Date.now();
    const r = meshc(t, args);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error FILE_UNREADABLE: .*not a regular file/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 30_000);

  it('11. `meshc validate - < /dev/zero` is cut at the limit (exit 1), not read into memory', () => {
    const t = scratch();
    const r = spawnSync('sh', ['-c', '"$0" "$1" validate - < /dev/zero', process.execPath, build.bin], { cwd: t, encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/COMPOSE_FILE_TOO_LARGE: /);
  }, 30_000);
});
