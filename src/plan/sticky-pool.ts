/**
 * The one allocation algorithm behind ports, fwmarks and addresses: locked values
 * are kept when still valid (so recompiling never moves them), then every claim
 * without a value is served next-fit, as swarmkit's serial idm does, starting one
 * past the highest value kept and wrapping once. Claims are served in the order
 * given, which the callers make deterministic.
 */

export interface Claim {
  readonly key: string;
  /** The value the lock file recorded for this key, if any. */
  readonly locked?: number;
}

export interface PoolRange {
  readonly first: number;
  readonly last: number;
  /** Values in the range no claim may take (explicit ports, reserved addresses). */
  readonly taken: ReadonlySet<number>;
}

export interface Reallocation {
  readonly key: string;
  readonly old: number;
  readonly why: 'outside' | 'taken';
}

export interface PoolResult {
  /** Values by key: the locked values kept, then the values served, each in claim order. */
  readonly values: ReadonlyMap<string, number>;
  /** The value of each claim, by its index in the claims given (undefined when unserved). */
  readonly byClaim: readonly (number | undefined)[];
  /** Locked values that could not be kept (their claim was served again). */
  readonly moved: readonly Reallocation[];
  /** Claims left without a value because the range ran out. */
  readonly unserved: number;
  /** Claims that needed a new value, and how many values were free for them. */
  readonly needed: number;
  readonly free: number;
}

export function allocateSticky(claims: readonly Claim[], range: PoolRange): PoolResult {
  const used = new Set<number>();
  const byClaim: (number | undefined)[] = new Array<number | undefined>(claims.length).fill(undefined);
  const moved: Reallocation[] = [];
  const fresh: number[] = [];
  let highest = range.first - 1;
  // Indexed loops here and below: a plan claims a value per task, and this runs once per
  // process, mostly before the JIT has optimized it, where for-of allocates per step (issue 18).
  for (let i = 0; i < claims.length; i++) {
    const claim = claims[i] as Claim;
    const why = claim.locked === undefined ? undefined : lockedProblem(claim.locked, range, used);
    if (claim.locked === undefined || why) {
      if (claim.locked !== undefined && why) moved.push({ key: claim.key, old: claim.locked, why });
      fresh.push(i);
      continue;
    }
    used.add(claim.locked);
    byClaim[i] = claim.locked;
    highest = Math.max(highest, claim.locked);
  }
  const free = range.last - range.first + 1 - used.size - countTakenIn(range);
  const unserved = serveNextFit(fresh, range, used, byClaim, highest + 1);
  let values: Map<string, number> | undefined;
  return {
    // Keyed on first use: the address pool, with a claim per task, reads byClaim only.
    get values() {
      return (values ??= keyed(claims, byClaim, new Set(fresh)));
    },
    byClaim,
    moved,
    unserved,
    needed: fresh.length,
    free: Math.max(0, free),
  };
}

function keyed(claims: readonly Claim[], byClaim: readonly (number | undefined)[], fresh: ReadonlySet<number>): Map<string, number> {
  const values = new Map<string, number>();
  for (const served of [false, true]) {
    byClaim.forEach((v, i) => {
      if (v !== undefined && fresh.has(i) === served) values.set((claims[i] as Claim).key, v);
    });
  }
  return values;
}

function lockedProblem(v: number, range: PoolRange, used: ReadonlySet<number>): Reallocation['why'] | undefined {
  if (!Number.isInteger(v) || v < range.first || v > range.last) return 'outside';
  return range.taken.has(v) || used.has(v) ? 'taken' : undefined;
}

/** Serves the claims at the indexes `fresh`, in order; returns how many were left unserved. */
function serveNextFit(fresh: readonly number[], range: PoolRange, used: Set<number>, byClaim: (number | undefined)[], start: number): number {
  const size = range.last - range.first + 1;
  let cursor = start > range.last ? range.first : start;
  for (let i = 0; i < fresh.length; i++) {
    let probes = 0;
    while ((used.has(cursor) || range.taken.has(cursor)) && probes < size) {
      cursor = cursor === range.last ? range.first : cursor + 1;
      probes++;
    }
    // A full lap without a free value: the range is exhausted for every remaining claim.
    if (probes === size) return fresh.length - i;
    used.add(cursor);
    byClaim[fresh[i] as number] = cursor;
    cursor = cursor === range.last ? range.first : cursor + 1;
  }
  return 0;
}

function countTakenIn(range: PoolRange): number {
  let n = 0;
  for (const v of range.taken) if (v >= range.first && v <= range.last) n++;
  return n;
}
