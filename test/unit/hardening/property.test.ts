/**
 * Properties over generated stacks and inventories (arbitraries.ts), through the whole
 * CLI in-process: meshc never crashes on user input (exit 0, or 1 with at least one
 * error diagnostic), compiling twice gives byte-identical output, reordering services
 * changes nothing, and every compiled tree passes the rule consistency checker.
 * Runs are bounded (NUM_RUNS) so the file stays well under a minute; a failure prints
 * fast-check's seed and path, rerun it with `fc.assert(..., { seed, path })`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkConsistency } from '../../support/consistency/check-consistency.js';
import { crashText, runMem, type CliResult } from './harness.js';
import { inventoryArb, inventoryText, stackArb, stackText, type InventoryCase, type StackCase } from './arbitraries.js';

const NUM_RUNS = Number(process.env.MESHC_PROPERTY_RUNS ?? 120);

async function compile(stack: string, inv: InventoryCase): Promise<CliResult> {
  const files: Record<string, string> = { 'stack.yml': stack };
  const argv = ['compile', 'stack.yml', '--format', 'json'];
  const text = inventoryText(inv);
  if (text !== undefined) {
    files['inventory.json'] = text;
    argv.push('-i', 'inventory.json');
  }
  return runMem(argv, files);
}

function errorCount(r: CliResult): number {
  return (JSON.parse(r.stdout) as { diagnostics: { severity: string }[] }).diagnostics.filter((d) => d.severity === 'error').length;
}

/** A permutation of 0..n-1 from a seed (Fisher–Yates with a small LCG). */
function permutation(n: number, seed: number): number[] {
  const out = [...Array(n).keys()];
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('generated stacks and inventories', () => {
  it('never crash: exit 0, or exit 1 with error diagnostics; same input, same bytes', async () => {
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(stackArb, inventoryArb, async (s: StackCase, inv: InventoryCase) => {
        const first = await compile(stackText(s), inv);
        expect(crashText(first.stderr)).toBeUndefined();
        expect([0, 1]).toContain(first.code);
        if (first.code === 1) expect(errorCount(first)).toBeGreaterThan(0);
        const again = await compile(stackText(s), inv);
        expect(again).toEqual(first);
        seen[first.code === 0 ? 'ok' : 'rejected'] += 1;
      }),
      { numRuns: NUM_RUNS },
    );
    // Both outcomes must be exercised, or the generators have drifted into one corner.
    expect(seen.ok).toBeGreaterThan(NUM_RUNS / 10);
    expect(seen.rejected).toBeGreaterThan(NUM_RUNS / 10);
  }, 120_000);

  it('every compiled tree passes the consistency checker', async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, inventoryArb, async (s, inv) => {
        const r = await compile(stackText(s), inv);
        if (r.code !== 0) return;
        const files = (JSON.parse(r.stdout) as { files: Record<string, string> }).files;
        expect(checkConsistency(Object.entries(files).map(([path, content]) => ({ path, content })))).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);

  it('reordering services changes no output byte', async () => {
    await fc.assert(
      fc.asyncProperty(stackArb, inventoryArb, fc.nat(), async (s, inv, seed) => {
        const a = await compile(stackText(s), inv);
        const b = await compile(stackText(s, permutation(s.services.length, seed)), inv);
        expect(b.code).toBe(a.code);
        // The compiled tree, byte for byte (the document's diagnostics point into the
        // reordered file, so their lines may differ; their codes may not).
        const tree = (stdout: string) => {
          const { plan, files, diagnostics } = JSON.parse(stdout) as { plan: unknown; files: unknown; diagnostics: { code: string }[] };
          return { json: JSON.stringify({ plan, files }), codes: diagnostics.map((d) => d.code).sort() };
        };
        if (a.code === 0) expect(tree(b.stdout)).toEqual(tree(a.stdout));
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);
});
