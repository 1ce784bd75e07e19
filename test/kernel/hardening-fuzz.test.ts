/**
 * Pathological files (test/unit/hardening/fuzz-inputs.ts: 10 MB and 100 MB files, alias
 * bombs, deep nesting, NUL, invalid UTF-8, BOMs, CRLF) through a private build of meshc,
 * one child process each under `/usr/bin/time -v`: each is answered within its stated
 * time and peak-memory bound, with the right exit code and no stack trace. Files are
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
  const file = join(work, c.role === 'stack' ? 'stack.yml' : 'inventory.yml');
  writeFileSync(file, c.bytes());
  if (c.role === 'inventory') copyFileSync(join(ROOT, 'fixtures', 'seed', 'stack.yml'), join(work, 'stack.yml'));
  rmSync(join(work, 'stack.meshc-lock.json'), { force: true });
  const args = ['validate', 'stack.yml', ...(c.role === 'inventory' ? ['-i', 'inventory.yml'] : [])];
  // Killed (by `timeout`, inside `time`, so no orphan survives) at twice the bound: a blow-up fails the test instead of hanging the suite.
  const kill = ['timeout', '-s', 'KILL', String(c.maxSeconds * 2)];
  const r = spawnSync(TIME, ['-v', ...kill, process.execPath, build.bin, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 });
  const stderr = r.stderr ?? '';
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Infinity;
  const exit = /Exit status: (\d+)/.exec(stderr);
  const code = exit ? Number(exit[1]) : r.status;
  return { code, seconds, mb: rss / 1024, stderr: stderr.split('\tCommand being timed')[0] ?? '' };
}

describe.skipIf(skip !== null)(`fuzz: bounded time and memory per input${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each(FUZZ_CASES)('$name: answered within $maxSeconds s and $maxMb MB', (c) => {
    const m = measure(c);
    const killed = m.code === 137 ? ' (killed at twice the bound)' : '';
    const summary = `${c.name}: exit ${m.code}${killed}, ${m.seconds.toFixed(2)} s, ${m.mb.toFixed(0)} MB`;
    console.log(summary);
    expect(m.stderr, summary).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
    expect(c.exits, `${summary}\n${m.stderr.slice(0, 800)}`).toContain(m.code);
    if (m.code === 1) expect(m.stderr).toMatch(/^\S+:\d+:\d+ error [A-Z_]+: /m);
    expect(m.seconds, summary).toBeLessThanOrEqual(c.maxSeconds);
    expect(m.mb, summary).toBeLessThanOrEqual(c.maxMb);
  }, 600_000);
});
