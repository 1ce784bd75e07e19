/**
 * Fuzzing in-process: raw bytes, and real stack files (every fixture under fixtures/)
 * mutated byte by byte — flips, insertions of YAML indicators, NUL, invalid UTF-8,
 * BOMs, CR, truncation, line duplication — through `meshc compile`. meshc must answer
 * each with exit 0, or exit 1 and a positioned error: never a crash. Time and memory
 * bounds are measured per process in test/kernel/hardening-fuzz.test.ts.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashText, runMem } from './harness.js';
import { FUZZ_CASES } from './fuzz-inputs.js';
import { mutationArb, sideFixtures, stackFixtures } from './mutations.js';

const NUM_RUNS = Number(process.env.MESHC_FUZZ_RUNS ?? 300);

/** A hang cannot be interrupted in-process: with MESHC_FUZZ_LOG set, each input is written there first. */
const LOG = process.env.MESHC_FUZZ_LOG;

const SEED_STACK = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n';

/** meshc compile with `bytes` as the stack, or as the inventory or lock next to a valid stack. */
async function expectAnswered(bytes: Buffer, role: 'stack' | 'inventory' | 'lock' = 'stack', env: Record<string, string> = {}): Promise<void> {
  if (LOG) writeFileSync(LOG, bytes);
  const files = role === 'stack' ? { 'stack.yml': bytes } : { 'stack.yml': SEED_STACK, [role === 'lock' ? 'stack.yml.meshc-lock.json' : 'inv.yml']: bytes };
  const r = await runMem(['compile', 'stack.yml', '--format', 'json', ...(role === 'inventory' ? ['-i', 'inv.yml'] : [])], files, env);
  expect(crashText(r.stderr), r.stderr.slice(0, 2000)).toBeUndefined();
  expect([0, 1]).toContain(r.code);
  // --format json: on errors stdout is the diagnostics document; one error has a position.
  if (r.code === 1) expect((JSON.parse(r.stdout) as { diagnostics: { severity: string; loc?: unknown }[] }).diagnostics.some((d) => d.severity === 'error' && d.loc), r.stdout.slice(0, 2000)).toBe(true);
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

  it.each(['inventory', 'lock'] as const)('mutated %s files are answered with exit 0 or a positioned error', async (role) => {
    const inputs = sideFixtures(role);
    expect(inputs.length).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(fc.nat(inputs.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (i, mutations) => {
        await expectAnswered(mutations.reduce((b, m) => m(b), inputs[i]!), role);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);

  it('interpolation templates and environment values are answered with exit 0 or a positioned error', async () => {
    const piece = fc.constantFrom('${', '}', '$', '$$', 'V', 'W', ':-', '-', ':?', '?', ':+', 'x', '"', '8080', ':', '80', '{', ' ');
    const template = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    const env = fc.dictionary(fc.constantFrom('V', 'W'), fc.oneof(fc.constantFrom('8080', '', '${V}', '$$', 'a b'), fc.string({ maxLength: 5 })));
    await fc.assert(
      fc.asyncProperty(template, template, env, async (image, port, vars) => {
        const stack = `version: "3.8"\nservices:\n  web:\n    image: ${JSON.stringify(image)}\n    ports: [${JSON.stringify(port)}]\n`;
        await expectAnswered(Buffer.from(stack), 'stack', vars);
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
  it.each(FUZZ_CASES.filter((c) => c.maxMb <= 512))('$name ($role)', async (c) => {
    await expectAnswered(c.bytes(), c.role);
  }, 60_000);
});
