/**
 * Reading the lock. A stack file's lock is read as it always was. A cluster's lock holds
 * every stack under full names (`<stack>_<service>`); a stack that has nothing in it yet
 * and has a per-stack lock beside its first file (from `meshc compile stack.yml` before
 * the cluster file existed) brings that lock's allocations along, so its ports, marks,
 * addresses and placement stay where they were wherever the cluster leaves them free.
 */
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Cluster, ClusterStack } from '../model/cluster.js';
import { diag } from '../diagnostics/catalog.js';
import { EMPTY_LOCK, type Lock } from '../plan/lock.js';
import { parseLock } from './parse-lock.js';
import { locateLock } from './lock-file.js';
import { readOptional } from './inputs.js';
import type { DriverIo } from './io.js';

export interface LockInput {
  /** Where the lock is written (undefined: never, a stack on stdin without --lock). */
  readonly write: string | undefined;
  /** Where it was read from. */
  readonly read: string | undefined;
  /** What to plan with: the lock file's allocations, plus any adopted per-stack lock. */
  readonly lock: Lock | undefined;
  /** The lock file alone (--frozen compares against it). */
  readonly onDisk: Lock | undefined;
  /** The lock file's text as read (undefined: none yet), to skip rewriting it unchanged. */
  readonly text: string | undefined;
}

/** The lock to plan with, or undefined after reporting it unusable (never silently ignored: that would move ports). */
export function readClusterLock(cluster: Cluster, io: DriverIo, sink: DiagnosticSink): LockInput | undefined {
  const where = locateLock(cluster.lockNamedAfter, cluster.lockOverride, io.cwd);
  if (where.ambiguous) sink.report(diag('LOCK_LEGACY_AMBIGUOUS', { file: where.ambiguous.legacy, line: 1, col: 1 }, where.ambiguous.legacy, cluster.file ?? cluster.stacks[0]?.files[0] ?? '', where.ambiguous.others.join(', '), where.write ?? ''));
  const readText = where.read === undefined ? undefined : readOptional(where.read, io, sink);
  const lock = readText === undefined || where.read === undefined ? undefined : parseLock(readText, where.read, sink);
  if (readText !== undefined && !lock) return undefined;
  // An old-style lock read is rewritten under the new name (text undefined: it differs).
  const text = where.read === where.write ? readText : undefined;
  if (cluster.file === undefined) return { lock, onDisk: lock, text, read: where.read, write: where.write };
  let merged = lock;
  for (const stack of [...cluster.stacks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (holdsStack(merged, stack.name)) continue;
    const own = adoptable(stack, io, sink);
    if (own === null) return undefined;
    if (own) merged = adopt(merged ?? EMPTY_LOCK, stack.name, own);
  }
  return { lock: merged, onDisk: lock, text, read: where.read, write: where.write };
}

/** True when the cluster lock already records anything of the stack (it joined before). */
function holdsStack(lock: Lock | undefined, stack: string): boolean {
  if (!lock) return false;
  const prefix = `${stack}_`;
  const keys = [...Object.keys(lock.placement), ...Object.keys(lock.fwmarks), ...Object.keys(lock.ports)];
  return keys.some((k) => k.startsWith(prefix));
}

/** The stack's own lock: undefined when there is none, null after reporting it damaged. */
function adoptable(stack: ClusterStack, io: DriverIo, sink: DiagnosticSink): Lock | undefined | null {
  const first = stack.files[0];
  const file = first === undefined ? undefined : locateLock(first, undefined, io.cwd).read;
  if (file === undefined) return undefined;
  const text = readOptional(file, io, sink);
  if (text === undefined) return undefined;
  return parseLock(text, file, sink) ?? null;
}

/**
 * The stack's lock under full names, beside what the cluster lock holds. Values another
 * stack already owns are not resolved here: the allocators see them "locked twice" and
 * move the later claim, with a warning naming both values.
 */
function adopt(into: Lock, stack: string, own: Lock): Lock {
  const prefixed = <T>(table: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [`${stack}_${k}`, v]));
  const onlyNew = <T>(base: Readonly<Record<string, T>>, add: Readonly<Record<string, T>>) => ({ ...add, ...base });
  return {
    version: 1,
    ports: onlyNew(into.ports, prefixed(own.ports)),
    fwmarks: onlyNew(into.fwmarks, prefixed(own.fwmarks)),
    ips: {
      // One sandbox per node serves every stack: a node keeps the address the cluster gave it.
      nodes: onlyNew(into.ips.nodes, own.ips.nodes),
      vips: onlyNew(into.ips.vips, prefixed(own.ips.vips)),
      // Task names are already full names (`<stack>_<service>.<slot>`).
      tasks: onlyNew(into.ips.tasks, own.ips.tasks),
    },
    placement: onlyNew(into.placement, own.placement),
  };
}
