/**
 * The lock file records allocations next to the stack (committed to git), so
 * recompiling never moves them. Its text is canonical (keys sorted at every level,
 * two-space indent, trailing newline) so `--frozen` can compare it exactly and a
 * git diff shows only what really changed.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import { isLockShape } from './shape-checks.js';
import { parseSource, schemaProblems } from './yaml-source.js';

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

/**
 * `app.yml` → `app.yml.meshc-lock.json` in the same directory: the whole file name, so
 * `app.yml` and `app.yaml` never share (and silently give away) each other's allocations.
 */
export function lockPathFor(stackFile: string): string {
  return stackFile + '.meshc-lock.json';
}

/** The name before the above (`app.yml` → `app.meshc-lock.json`), still read when unambiguous. */
export function legacyLockPathFor(stackFile: string): string {
  return stackFile.replace(/\.[^./]*$/, '') + '.meshc-lock.json';
}

/** The lock in `text`, or undefined after reporting why it is unusable (never silently ignored: that would move ports). */
export function parseLock(text: string, file: string, sink: DiagnosticSink): Lock | undefined {
  sink.sources.set(file, text);
  const quick = quickParse(text);
  if (quick !== undefined && isLockShape(quick)) return withPlacement(quick as Lock);
  // Slow path, only for a damaged lock: positions (yaml parser) and schema errors (ajv).
  const source = parseSource(text, file, (why, loc) => sink.report(diag('LOCK_INVALID', loc, file, why)));
  if (!source) return undefined;
  const problems = schemaProblems('lock', source);
  for (const p of problems) sink.report(diag('LOCK_INVALID', p.loc, file, `${p.path} ${p.why}`));
  return problems.length === 0 ? withPlacement(source.data as Lock) : undefined;
}

/** A lock from before placement was recorded reads as one with no task placed yet. */
function withPlacement(lock: Lock): Lock {
  return lock.placement === undefined ? { ...lock, placement: {} } : lock;
}

/** Canonical text: sorted keys, 2-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return JSON.stringify(sortKeys(lock), null, 2) + '\n';
}

/** True when writing `next` would change the lock file (always, when there is none yet). */
export function lockChanged(old: Lock | undefined, next: Lock): boolean {
  return old === undefined || serializeLock(old) !== serializeLock(next);
}

function quickParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
