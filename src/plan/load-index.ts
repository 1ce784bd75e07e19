/**
 * How many tasks each node runs so far, indexed so the planner can ask "the k
 * least-loaded nodes of this eligible set, ties by name" without scanning the set:
 * each set keeps its nodes in buckets by load, each bucket sorted by name. Placing a
 * task moves one node up one bucket in every set that contains it. This keeps
 * planning linear in tasks when clusters and stacks grow together.
 */
import type { InventoryNode } from '../model/inventory.js';

/** One tracked set of nodes (an eligible set shared by services with the same constraints). */
export interface TrackedSet {
  readonly size: number;
  readonly buckets: Map<number, InventoryNode[]>;
  min: number;
}

export class LoadIndex {
  /** Tasks per node name. */
  readonly load = new Map<string, number>();
  private readonly memberOf = new Map<string, TrackedSet[]>();
  private highest = 0;

  /** Starts tracking `nodes` (sorted by name) with their current loads. */
  track(nodes: readonly InventoryNode[]): TrackedSet {
    const set: TrackedSet = { size: nodes.length, buckets: new Map(), min: Infinity };
    for (const n of nodes) {
      const l = this.load.get(n.name) ?? 0;
      const bucket = set.buckets.get(l);
      if (bucket) bucket.push(n);
      else set.buckets.set(l, [n]);
      set.min = Math.min(set.min, l);
      const sets = this.memberOf.get(n.name);
      if (sets) sets.push(set);
      else this.memberOf.set(n.name, [set]);
    }
    return set;
  }

  /** The k least-loaded nodes of `set` in (load, name) order (k ≤ set size). */
  lowest(set: TrackedSet, k: number): InventoryNode[] {
    const out: InventoryNode[] = [];
    // Bounded by the highest load, so a request for more nodes than the set has ends.
    for (let l = set.min; out.length < k && l <= this.highest; l++) {
      for (const n of set.buckets.get(l) ?? []) {
        if (out.length === k) break;
        out.push(n);
      }
    }
    return out;
  }

  /** Records one more task on `node`. */
  add(node: InventoryNode): void {
    const l = this.load.get(node.name) ?? 0;
    this.load.set(node.name, l + 1);
    this.highest = Math.max(this.highest, l + 1);
    for (const set of this.memberOf.get(node.name) ?? []) {
      const from = set.buckets.get(l) ?? [];
      from.splice(indexByName(from, node.name), 1);
      if (from.length === 0) set.buckets.delete(l);
      const to = set.buckets.get(l + 1);
      if (to) to.splice(indexByName(to, node.name), 0, node);
      else set.buckets.set(l + 1, [node]);
      if (set.min === l && from.length === 0) set.min = l + 1;
    }
  }
}

/** Position of `name` in a name-sorted bucket, or where it would be inserted (code-unit order). */
function indexByName(bucket: readonly InventoryNode[], name: string): number {
  let lo = 0;
  let hi = bucket.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((bucket[mid] as InventoryNode).name < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
