/**
 * Fuzzing in-process: raw bytes, and real stack files (every fixture under fixtures/)
 * mutated byte by byte — flips, insertions of YAML indicators, NUL, invalid UTF-8,
 * BOMs, CR, truncation, line duplication — through `meshc compile`. meshc must answer
 * each with exit 0, or exit 1 and a positioned error: never a crash. Time and memory
 * bounds are measured per process in test/kernel/hardening-fuzz.test.ts.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashText, runMem, POSITIONED_ERROR } from './harness.js';
import { ROOT } from './private-build.js';
import { FUZZ_CASES } from './fuzz-inputs.js';

const NUM_RUNS = Number(process.env.MESHC_FUZZ_RUNS ?? 300);

function stackFixtures(): Buffer[] {
  const dirs = [join(ROOT, 'fixtures', 'compile'), join(ROOT, 'fixtures', 'differential'), join(ROOT, 'fixtures', 'errors')];
  const files = dirs.flatMap((d) => walk(d)).filter((f) => /\.ya?ml$/.test(f) && !f.includes('inventory')).sort();
  return files.map((f) => readFileSync(f));
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

const INTERESTING = [0x00, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x23, 0x26, 0x2a, 0x3a, 0x2d, 0x5b, 0x5d, 0x7b, 0x7d, 0x7c, 0x3e, 0x21, 0x25, 0x40, 0x60, 0x3c, 0xef, 0xbb, 0xbf, 0xfe, 0xff, 0xc3, 0x80];

type Mutation = (b: Buffer) => Buffer;
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(255)).map(([at, v]) => (b: Buffer) => Object.assign(Buffer.from(b), { [at % Math.max(b.length, 1)]: v })),
  fc.tuple(fc.nat(), fc.constantFrom(...INTERESTING)).map(([at, v]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % (b.length + 1)), Buffer.from([v]), b.subarray(at % (b.length + 1))])),
  fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % (b.length + 1))),
  fc.tuple(fc.nat(), fc.nat(40)).map(([at, n]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % (b.length + 1)), b.subarray((at % (b.length + 1)) + n)])),
  fc.nat().map((at) => (b: Buffer) => {
    const lines = b.toString('latin1').split('\n');
    const i = at % lines.length;
    return Buffer.from([...lines.slice(0, i + 1), lines[i] ?? '', ...lines.slice(i + 1)].join('\n'), 'latin1');
  }),
  fc.constant((b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')),
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])),
);

/** A hang cannot be interrupted in-process: with MESHC_FUZZ_LOG set, each input is written there first. */
const LOG = process.env.MESHC_FUZZ_LOG;

async function expectAnswered(bytes: Buffer): Promise<void> {
  if (LOG) writeFileSync(LOG, bytes);
  const r = await runMem(['compile', 'stack.yml', '--format', 'json'], { 'stack.yml': bytes });
  expect(crashText(r.stderr), r.stderr.slice(0, 2000)).toBeUndefined();
  expect([0, 1]).toContain(r.code);
  if (r.code === 1) expect(r.stderr).toMatch(POSITIONED_ERROR);
}

describe('fuzz: no input crashes meshc', () => {
  const fixtures = stackFixtures();

  it('has real stack files to mutate', () => {
    expect(fixtures.length).toBeGreaterThan(50);
  });

  it('mutated real stack files are answered with exit 0 or a positioned error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(fixtures.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (i, mutations) => {
        await expectAnswered(mutations.reduce((b, m) => m(b), fixtures[i]!));
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);

  it('random bytes are answered with exit 0 or a positioned error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        await expectAnswered(Buffer.from(bytes));
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);

  // The small pathological cases of the kernel fuzz suite, in-process (no 10/100 MB files here).
  it.each(FUZZ_CASES.filter((c) => c.role === 'stack' && c.maxMb <= 512))('$name', async (c) => {
    await expectAnswered(c.bytes());
  }, 60_000);
});
