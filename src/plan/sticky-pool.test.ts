import { describe, expect, it } from 'vitest';
import { allocateSticky } from './sticky-pool.js';

const none = new Set<number>();
const claims = (...keys: string[]) => keys.map((key) => ({ key }));

describe('allocateSticky', () => {
  it('serves fresh claims in order from the first value', () => {
    const r = allocateSticky(claims('a', 'b', 'c'), { first: 10, last: 20, taken: none });
    expect([...r.values]).toEqual([['a', 10], ['b', 11], ['c', 12]]);
  });

  it('is next-fit like swarmkit idm: a freed value is not reused before the range wraps', () => {
    // swarmkit TestAllocateSerial: 50, 51, 52 allocated, 50 released → next is 53.
    const r = allocateSticky([{ key: 'b', locked: 51 }, { key: 'c', locked: 52 }, { key: 'd' }], { first: 50, last: 60, taken: none });
    expect(r.values.get('d')).toBe(53);
  });

  it('wraps to the start when the end of the range is used', () => {
    const r = allocateSticky([{ key: 'a', locked: 12 }, { key: 'b' }], { first: 10, last: 12, taken: none });
    expect(r.values.get('b')).toBe(10);
  });

  it('skips taken values and keeps valid locked values', () => {
    const r = allocateSticky([{ key: 'x', locked: 15 }, { key: 'y' }, { key: 'z' }], { first: 10, last: 20, taken: new Set([16, 17]) });
    expect(Object.fromEntries(r.values)).toEqual({ x: 15, y: 18, z: 19 });
    expect(r.moved).toEqual([]);
  });

  it('moves locked values that are outside the range, taken, or duplicated', () => {
    const r = allocateSticky(
      [{ key: 'out', locked: 99 }, { key: 'tk', locked: 11 }, { key: 'a', locked: 12 }, { key: 'dup', locked: 12 }],
      { first: 10, last: 20, taken: new Set([11]) },
    );
    expect(r.moved).toEqual([
      { key: 'out', old: 99, why: 'outside' },
      { key: 'tk', old: 11, why: 'taken' },
      { key: 'dup', old: 12, why: 'taken' },
    ]);
    expect(r.values.get('a')).toBe(12);
    expect(new Set(r.values.values()).size).toBe(4);
  });

  it('reports exhaustion with how many were needed and free, never a silent wrap onto used values', () => {
    const r = allocateSticky(claims('a', 'b', 'c', 'd'), { first: 1, last: 3, taken: new Set([2]) });
    expect(r.unserved).toBe(2);
    expect(r.needed).toBe(4);
    expect(r.free).toBe(2);
    expect(new Set(r.values.values())).toEqual(new Set([1, 3]));
  });
});
