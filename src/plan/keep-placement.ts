/**
 * Locked placement: the task → node assignment tells operators (and the runner, which
 * looks for the task's container on its node) where each task runs, so a recompile
 * keeps every recorded node that is still valid for the task. A recorded node is
 * valid while it is in the inventory, satisfies the service's constraints and has
 * room under max_replicas_per_node; slots are checked in ascending order, so when
 * the limit was lowered the lowest slots keep their nodes and the others move.
 */
import type { InventoryNode } from '../model/inventory.js';

export interface MovedTask {
  readonly task: string;
  /** The node the lock recorded. */
  readonly from: string;
  readonly why: string;
}

export interface KeptSlots {
  /** Slot i+1's node when kept from the lock; undefined where a task must be placed. */
  readonly slots: readonly (InventoryNode | undefined)[];
  readonly moved: readonly MovedTask[];
}

/**
 * Slots 1..wanted of a replicated service against the lock. Slots above `wanted`
 * are not looked at: scaling down removes the highest slots (as Swarm does) and
 * their entries disappear from the next lock.
 */
export function keepLocked(
  fullName: string,
  wanted: number,
  eligible: ReadonlyMap<string, InventoryNode>,
  max: number,
  locked: Readonly<Record<string, string>>,
  known: ReadonlySet<string>,
): KeptSlots {
  const perNode = new Map<string, number>();
  const slots: (InventoryNode | undefined)[] = [];
  const moved: MovedTask[] = [];
  for (let slot = 1; slot <= wanted; slot++) {
    const task = `${fullName}.${slot}`;
    const from = Object.hasOwn(locked, task) ? locked[task] : undefined;
    const node = from === undefined ? undefined : eligible.get(from);
    const onNode = node ? (perNode.get(node.name) ?? 0) : 0;
    if (node && (max === 0 || onNode < max)) {
      perNode.set(node.name, onNode + 1);
      slots.push(node);
      continue;
    }
    slots.push(undefined);
    if (from !== undefined) moved.push({ task, from, why: whyMoved(from, node !== undefined, known, max) });
  }
  return { slots, moved };
}

function whyMoved(from: string, eligible: boolean, known: ReadonlySet<string>, max: number): string {
  if (!known.has(from)) return `node '${from}' is no longer in the inventory`;
  if (!eligible) return `node '${from}' no longer satisfies the service's placement constraints`;
  return `max_replicas_per_node ${max} is reached on node '${from}' by lower slots`;
}
