/**
 * Golden plans: every folder under fixtures/plan/ is one case, found automatically.
 *   stack.json       a NormalizedStack as JSON (the front end's product)
 *   inventory.yml    optional; without it, the default single local node
 *   lock.json        optional; the lock from a previous compile
 *   _expected/       plan.json + lock.json, or diagnostics.txt (all diagnostics, one per line)
 * To update after an intended change: `UPDATE_GOLDENS=1 npx vitest run test/unit/plan-golden.test.ts`,
 * then review the diff of fixtures/plan/ in git before committing it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink, type Diagnostic } from '../../src/diagnostics/types.js';
import type { NormalizedStack } from '../../src/model/stack.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parseLock } from '../../src/driver/parse-lock.js';
import { LOCAL_INVENTORY, parseInventory } from '../../src/driver/read-inventory.js';
import { serializeLock } from '../../src/plan/lock.js';

const ROOT = new URL('../../fixtures/plan/', import.meta.url).pathname;
const UPDATE = process.env['UPDATE_GOLDENS'] === '1';
// plan.json's contract for its readers (schemas/plan.schema.json); meshc itself never reads a plan.
const validatePlan = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object,
);

function run(dir: string): Record<string, string> {
  const sink = new DiagnosticSink();
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  const stack = JSON.parse(read('stack.json') ?? '') as NormalizedStack;
  const invText = read('inventory.yml');
  const inventory = invText === undefined ? LOCAL_INVENTORY : parseInventory(Buffer.from(invText), 'inventory.yml', sink);
  const lockText = read('lock.json');
  const lock = lockText === undefined ? undefined : parseLock(lockText, 'stack.meshc-lock.json', sink);
  const result = inventory && !sink.hasErrors() ? buildPlan(stack, inventory, { lock, lockFile: 'stack.meshc-lock.json' }, sink) : undefined;
  const out: Record<string, string> = {};
  if (result) {
    out['plan.json'] = JSON.stringify(result.plan, null, 2) + '\n';
    out['lock.json'] = serializeLock(result.lock);
  }
  if (sink.items.length > 0) out['diagnostics.txt'] = sink.items.map(format).join('\n') + '\n';
  return out;
}

function format(d: Diagnostic): string {
  const at = d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}` : '-';
  const notes = (d.notes ?? []).map((n) => `\n    note: ${n.message}${n.loc ? ` (${n.loc.file}:${n.loc.line}:${n.loc.col})` : ''}`).join('');
  return `${at} ${d.severity} ${d.code}: ${d.message}${notes}`;
}

const cases = readdirSync(ROOT, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('golden plans (fixtures/plan)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));

  for (const name of cases) {
    it(name, () => {
      const dir = join(ROOT, name);
      const expectedDir = join(dir, '_expected');
      const actual = run(dir);
      if (UPDATE) {
        rmSync(expectedDir, { recursive: true, force: true });
        mkdirSync(expectedDir, { recursive: true });
        for (const [f, text] of Object.entries(actual)) writeFileSync(join(expectedDir, f), text);
      }
      const expected = Object.fromEntries(readdirSync(expectedDir).sort().map((f) => [f, readFileSync(join(expectedDir, f), 'utf8')]));
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected));
      for (const [f, text] of Object.entries(actual)) expect(text, `${name}/_expected/${f}`).toBe(expected[f]);
      if (actual['plan.json']) {
        expect(validatePlan(JSON.parse(actual['plan.json'])), JSON.stringify(validatePlan.errors)).toBe(true);
      }
      if (actual['lock.json']) expect(parseLock(actual['lock.json'], 'lock', new DiagnosticSink())).toBeDefined();
    });
  }
});
