/**
 * Swarm's `spread` placement preference: tasks are divided evenly between the values
 * of a node label (nodes without it form one more group, value ""), then evenly
 * within each group; several preferences nest. Ties go to the lowest value, then,
 * inside a group, to the node with the fewest tasks overall, then the lowest name.
 */
import type { InventoryNode } from '../model/inventory.js';
import { nodeValue } from './constraints.js';

/** One level of the tree: nodes sharing one value of the descriptor. Immutable, so services can share it. */
export interface SpreadGroup {
  readonly value: string;
  readonly nodes: readonly InventoryNode[];
  readonly children: readonly SpreadGroup[];
}

interface Load {
  /** Tasks of this service per node, and per group. */
  readonly service: Map<string, number>;
  readonly groups: Map<SpreadGroup, number>;
  /** Tasks of the services placed before, per node. */
  readonly total: ReadonlyMap<string, number>;
  /** max_replicas_per_node, 0 for none. */
  readonly max: number;
}

/** Groups by the first descriptor's value (sorted), recursively by the rest. */
export function spreadTree(nodes: readonly InventoryNode[], descriptors: readonly string[]): SpreadGroup[] {
  const [descriptor, ...rest] = descriptors;
  if (descriptor === undefined) return [];
  const byValue = new Map<string, InventoryNode[]>();
  for (const n of nodes) {
    const value = nodeValue(descriptor, n) ?? '';
    const members = byValue.get(value);
    if (members) members.push(n);
    else byValue.set(value, [n]);
  }
  return [...byValue.keys()].sort().map((value) => {
    const members = byValue.get(value) ?? [];
    return { value, nodes: members, children: spreadTree(members, rest) };
  });
}

/**
 * The node of every slot, in slot order: slots that already hold a node (tasks kept
 * from the lock) stay and count in the load first; the empty ones are filled. The
 * caller checked max_replicas_per_node leaves room. An empty tree is plain
 * least-loaded placement.
 */
export function spreadOut(
  tree: readonly SpreadGroup[],
  eligible: readonly InventoryNode[],
  slots: readonly (InventoryNode | undefined)[],
  total: ReadonlyMap<string, number>,
  max: number,
): InventoryNode[] {
  const load: Load = { service: new Map(), groups: new Map(), total, max };
  for (const node of slots) if (node) count(tree, node, load);
  return slots.map((kept) => {
    if (kept) return kept;
    const node = pick(tree, eligible, load);
    load.service.set(node.name, (load.service.get(node.name) ?? 0) + 1);
    return node;
  });
}

/** Records a kept task on `node` and in every group on its path, as pick() would have. */
function count(tree: readonly SpreadGroup[], node: InventoryNode, load: Load): void {
  load.service.set(node.name, (load.service.get(node.name) ?? 0) + 1);
  let groups = tree;
  for (;;) {
    const group = groups.find((g) => g.nodes.some((n) => n.name === node.name));
    if (!group) return;
    load.groups.set(group, (load.groups.get(group) ?? 0) + 1);
    groups = group.children;
  }
}

/** Descends to the least-loaded group with room (ties: lowest value), then its least-loaded node. */
function pick(groups: readonly SpreadGroup[], nodes: readonly InventoryNode[], load: Load): InventoryNode {
  const hasRoom = (n: InventoryNode) => load.max === 0 || (load.service.get(n.name) ?? 0) < load.max;
  let best: SpreadGroup | undefined;
  let bestCount = 0;
  for (const g of groups) {
    const count = load.groups.get(g) ?? 0;
    if ((best === undefined || count < bestCount) && (load.max === 0 || g.nodes.some(hasRoom))) [best, bestCount] = [g, count];
  }
  if (!best) return leastLoaded(load.max === 0 ? nodes : nodes.filter(hasRoom), load);
  load.groups.set(best, bestCount + 1);
  return pick(best.children, best.nodes, load);
}

function leastLoaded(nodes: readonly InventoryNode[], load: Load): InventoryNode {
  let best = nodes[0] as InventoryNode;
  let bestService = load.service.get(best.name) ?? 0;
  let bestTotal = load.total.get(best.name) ?? 0;
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i] as InventoryNode;
    const s = load.service.get(n.name) ?? 0;
    const t = load.total.get(n.name) ?? 0;
    // Nodes arrive sorted by name, so keeping the first on a tie breaks ties by name.
    if (s < bestService || (s === bestService && t < bestTotal)) [best, bestService, bestTotal] = [n, s, t];
  }
  return best;
}
