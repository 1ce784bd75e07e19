/**
 * The lock file records allocations next to the stack (committed to git), so
 * recompiling never moves them. Its text is canonical (keys sorted at every level,
 * two-space indent, trailing newline) so `--frozen` can compare it exactly and a
 * git diff shows only what really changed. Where it lies and how it is read: src/driver/
 * (lock-file.ts, parse-lock.ts).
 */

type Table<T> = Readonly<Record<string, T>>;

export interface Lock {
  readonly version: 1;
  /** service → `<target>/<protocol>` → published port of each such dynamic ingress port, in port order. */
  readonly ports: Table<Table<readonly number[]>>;
  /** service → fwmark. */
  readonly fwmarks: Table<number>;
  readonly ips: {
    /** node name → ingress sandbox address. */
    readonly nodes: Table<string>;
    /** service name → VIP. */
    readonly vips: Table<string>;
    /** task name → address. */
    readonly tasks: Table<string>;
  };
  /**
   * task name → node: where each task's container runs, so a recompile never moves it.
   * Optional in the file (locks written before placement was locked), always written.
   */
  readonly placement: Table<string>;
}

export const EMPTY_LOCK: Lock = { version: 1, ports: {}, fwmarks: {}, ips: { nodes: {}, vips: {}, tasks: {} }, placement: {} };

/** Canonical text: sorted keys, 2-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return JSON.stringify(sortKeys(lock), null, 2) + '\n';
}

/** True when writing `next` would change the lock file (always, when there is none yet). */
export function lockChanged(old: Lock | undefined, next: Lock): boolean {
  return old === undefined || serializeLock(old) !== serializeLock(next);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
