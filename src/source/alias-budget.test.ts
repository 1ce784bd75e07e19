import { describe, expect, it } from 'vitest';
import { allowedAliasRatio, isExcessive, measureAliases } from './alias-budget.js';
import { resolveAliases } from './anchors.js';
import { yaml } from './yaml-runtime.js';

const measure = (text: string) => {
  const doc = yaml().parseDocument(text, { merge: true });
  return measureAliases(doc, resolveAliases(doc));
};

describe('alias budget (go-yaml v3 rule)', () => {
  it('counts expanded nodes without expanding', () => {
    // a: 1 seq + 3 scalars = 4; b: seq of two aliases to a = 1 + 4 + 4; keys and the root map count too.
    const v = measure('a: &a [1, 2, 3]\nb: [*a, *a]\n');
    expect(v).toMatchObject({ aliased: 8 });
    expect(v.total).toBe(1 + 2 + 4 + 1 + 8);
  });
  it('counts nested expansions once per use', () => {
    const v = measure('a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n');
    // a is 2 nodes and b 5 (its seq + two copies of a): *a twice where b is written, *b twice in c.
    expect(v.aliased).toBe(2 + 2 + 5 + 5);
  });
  it('uses go-yaml\'s ratio: 99% up to 400k nodes, 10% from 4M, linear between', () => {
    expect(allowedAliasRatio(1000)).toBe(0.99);
    expect(allowedAliasRatio(4_000_000)).toBe(0.1);
    expect(allowedAliasRatio(2_200_000)).toBeCloseTo(0.545, 3);
  });
  it('needs more than 100 aliased and 1,000 total nodes before judging', () => {
    expect(isExcessive({ total: 1000, aliased: 999 })).toBe(false);
    expect(isExcessive({ total: 1001, aliased: 100 })).toBe(false);
    expect(isExcessive({ total: 1001, aliased: 995 })).toBe(true);
    expect(isExcessive({ total: 5_000_000, aliased: 600_000 })).toBe(true);
  });
  it('survives an alias inside its own anchor', () => {
    expect(() => measure('a: &a [1, *a]\n')).not.toThrow();
  });
});
