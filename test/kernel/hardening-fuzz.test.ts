/**
 * Pathological files (test/unit/hardening/fuzz-inputs.ts: 10 MB and 100 MB files, alias
 * bombs, deep nesting, NUL, invalid UTF-8, BOMs, CRLF) through a private build of meshc,
 * one child process each under `/usr/bin/time -v`: each is answered within its stated
 * CPU-time and peak-memory bound, with the right exit code and no stack trace. Files are
 * generated into a temp directory and removed afterwards; nothing big is committed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateBuild, ROOT } from '../unit/hardening/private-build.js';
import { FUZZ_CASES, type FuzzCase } from '../unit/hardening/fuzz-inputs.js';

const TIME = '/usr/bin/time';
const skip = existsSync(TIME) ? null : 'needs GNU time at /usr/bin/time (Debian package time)';
let build: { bin: string; dir: string };
let work: string;

beforeAll(() => {
  if (skip) return;
  build = privateBuild();
  work = mkdtempSync(join(tmpdir(), 'meshc-h7-fuzz-'));
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  if (build) rmSync(build.dir, { recursive: true, force: true });
});

export interface Measured {
  readonly code: number | null;
  readonly seconds: number;
  readonly mb: number;
  readonly stderr: string;
}

/** Runs meshc validate on the case's file in a child; wall time and peak RSS as GNU time reports them. */
function measure(c: FuzzCase): Measured {
  rmSync(join(work, 'stack.yml.meshc-lock.json'), { force: true });
  const file = join(work, { stack: 'stack.yml', inventory: 'inventory.yml', lock: 'stack.yml.meshc-lock.json' }[c.role]);
  if (c.role !== 'stack') copyFileSync(join(ROOT, 'fixtures', 'seed', 'stack.yml'), join(work, 'stack.yml'));
  writeFileSync(file, c.bytes());
  const args = ['validate', 'stack.yml', ...(c.role === 'inventory' ? ['-i', 'inventory.yml'] : [])];
  // Killed (by `timeout`, inside `time`, so no orphan survives) at four times the bound (wall time): a blow-up fails the test instead of hanging the suite.
  const kill = ['timeout', '-s', 'KILL', String(c.maxSeconds * 4)];
  const r = spawnSync(TIME, ['-v', ...kill, process.execPath, build.bin, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 });
  const stderr = r.stderr ?? '';
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  // CPU time (user + system), not wall time: the machine is shared, and a blow-up shows in CPU either way.
  const cpu = ['User', 'System'].map((k) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN));
  const seconds = (cpu[0] ?? NaN) + (cpu[1] ?? NaN);
  const exit = /Exit status: (\d+)/.exec(stderr);
  const code = exit ? Number(exit[1]) : r.status;
  return { code, seconds, mb: rss / 1024, stderr: stderr.split('\tCommand being timed')[0] ?? '' };
}

/** `meshc compile --format json` of `stack` in a child with the given environment. */
function compileIn(env: Record<string, string>, stack: string, inventory: string): string {
  const r = spawnSync(process.execPath, [build.bin, 'compile', stack, '-i', inventory, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe.skipIf(skip !== null)('determinism across processes', () => {
  // Locale and time zone are the classic leaks: localeCompare, toLocaleLowerCase (Turkish i), Date.
  it.each(['fixtures/compile/seed-3nodes', 'fixtures/compile/multi-protocol', 'fixtures/compile/port-range', 'fixtures/compile/global'])('%s compiles to the same bytes under another locale and time zone', (dir) => {
    const [stack, inventory] = [join(dir, 'stack.yml'), join(dir, 'inventory.yml')];
    const a = compileIn({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' }, stack, inventory);
    const b = compileIn({ TZ: 'Asia/Kathmandu', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' }, stack, inventory);
    expect(b).toBe(a);
    expect(a.length).toBeGreaterThan(1000);
  }, 60_000);
});

describe.skipIf(skip !== null)(`fuzz: bounded time and memory per input${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each(FUZZ_CASES)('$name: answered within $maxSeconds s and $maxMb MB', (c) => {
    const m = measure(c);
    const killed = m.code === 137 ? ' (killed at four times the bound)' : '';
    const summary = `${c.name}: exit ${m.code}${killed}, ${m.seconds.toFixed(2)} s CPU, ${m.mb.toFixed(0)} MB peak RSS`;
    console.log(summary);
    expect(m.stderr, summary).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
    expect(c.exits, `${summary}\n${m.stderr.slice(0, 800)}`).toContain(m.code);
    if (m.code === 1) expect(m.stderr).toMatch(/^\S+:\d+:\d+ error [A-Z_]+: /m);
    expect(m.seconds, summary).toBeLessThanOrEqual(c.maxSeconds);
    expect(m.mb, summary).toBeLessThanOrEqual(c.maxMb);
  }, 600_000);
});

/**
 * Issue 13 item 11 and Proof: every kind of file a lock, an inventory or stdin can be, as
 * real files for a child process (only a real file system has FIFOs and devices). Each run
 * must end in exit 0, 1 or 2 within SPECIAL_BOUND_S seconds of wall time, with no stack
 * trace. Before the input guard a FIFO lock hung forever and /dev/zero ran out of memory.
 */
const SPECIAL_BOUND_S = 10;
type Role = 'lock' | 'legacy-lock' | 'inventory' | 'stdin-inventory';
type Kind = 'fifo' | 'dev-zero' | 'dev-null' | 'directory' | 'sparse-11MiB' | 'symlink-loop' | 'dangling-symlink' | 'random-bytes';
const ROLES: readonly Role[] = ['lock', 'legacy-lock', 'inventory', 'stdin-inventory'];
const KINDS: readonly Kind[] = ['fifo', 'dev-zero', 'dev-null', 'directory', 'sparse-11MiB', 'symlink-loop', 'dangling-symlink', 'random-bytes'];
const STACK_TEXT = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80", "80"]\n';

/** Makes `path` a file of `kind` (random-bytes takes `bytes`). */
function makeSpecial(path: string, kind: Kind, bytes: Uint8Array): void {
  rmSync(path, { recursive: true, force: true });
  if (kind === 'fifo') expect(spawnSync('mkfifo', [path]).status).toBe(0);
  else if (kind === 'dev-zero') symlinkSync('/dev/zero', path);
  else if (kind === 'dev-null') symlinkSync('/dev/null', path);
  else if (kind === 'directory') mkdirSync(path);
  else if (kind === 'symlink-loop') symlinkSync(path, path);
  else if (kind === 'dangling-symlink') symlinkSync(`${path}.absent`, path);
  else if (kind === 'sparse-11MiB') {
    writeFileSync(path, '');
    truncateSync(path, 11 * 1024 * 1024);
  } else writeFileSync(path, bytes);
}

/** `meshc compile` in a child with the special file in `role`; exit code and wall seconds. */
function runSpecial(role: Role, kind: Kind, bytes: Uint8Array): { code: number | null; seconds: number; stderr: string } {
  const dir = mkdtempSync(join(work, 'special-'));
  writeFileSync(join(dir, 'stack.yml'), STACK_TEXT);
  const target = { lock: 'stack.yml.meshc-lock.json', 'legacy-lock': 'stack.meshc-lock.json', inventory: 'inv.yml', 'stdin-inventory': 'stdin' }[role];
  makeSpecial(join(dir, target), kind, bytes);
  const args = ['compile', 'stack.yml', '-o', 'out', ...(role === 'inventory' ? ['-i', 'inv.yml'] : role === 'stdin-inventory' ? ['-i', '-'] : [])];
  // stdin from the special file (a FIFO as stdin would block this parent's open, not meshc: /dev/null instead).
  const stdin = role === 'stdin-inventory' && kind !== 'fifo' && kind !== 'symlink-loop' && kind !== 'dangling-symlink' && kind !== 'directory' ? join(dir, target) : '/dev/null';
  const started = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `exec timeout -s KILL ${SPECIAL_BOUND_S * 2} "$@" < "$STDIN"`, 'sh', process.execPath, build.bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', STDIN: stdin },
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  return { code: r.status, seconds, stderr: r.stderr ?? '' };
}

function expectAnsweredInBound(role: Role, kind: Kind, bytes: Uint8Array = new Uint8Array()): void {
  const m = runSpecial(role, kind, bytes);
  const summary = `${role} as ${kind}: exit ${m.code}${m.code === 137 ? ' (killed: hung)' : ''}, ${m.seconds.toFixed(2)} s`;
  expect(m.stderr, summary).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
  expect([0, 1, 2], `${summary}\n${m.stderr.slice(0, 800)}`).toContain(m.code);
  expect(m.seconds, summary).toBeLessThanOrEqual(SPECIAL_BOUND_S);
}

describe.skipIf(skip !== null)(`special and random lock and inventory files: exit 0, 1 or 2 within ${SPECIAL_BOUND_S} s${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const combos = ROLES.flatMap((role) => KINDS.filter((k) => k !== 'random-bytes').map((kind) => ({ role, kind })));
  it.each(combos)('$role as $kind', ({ role, kind }) => expectAnsweredInBound(role, kind), 60_000);

  it('random bytes as a lock or inventory file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), fc.uint8Array({ maxLength: 4096 }), (role, bytes) => expectAnsweredInBound(role, 'random-bytes', bytes)),
      { numRuns: Number(process.env.MESHC_FUZZ_RUNS ?? 12) },
    );
  }, 300_000);
});
