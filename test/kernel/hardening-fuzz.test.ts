/**
 * Pathological files (test/unit/hardening/fuzz-inputs.ts: 10 MB and 100 MB files, alias
 * bombs, deep nesting, NUL, invalid UTF-8, BOMs, CRLF) through a private build of meshc,
 * one child process each under `/usr/bin/time -v`: each is answered within its stated
 * CPU-time and peak-memory bound, with the right exit code and no stack trace. Files are
 * generated into a temp directory and removed afterwards; nothing big is committed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
