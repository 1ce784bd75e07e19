/**
 * Placement: which node runs each task. Replicated services go one task at a time
 * to the least-loaded eligible node (tasks of this service, then tasks of all
 * services placed so far, then node name), after descending the `spread` tree the
 * way Swarm does (least-loaded label value first); global services get one task on
 * every eligible node. Services are placed in name order, so the result is
 * deterministic whatever order the stack lists them in.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Service } from '../model/stack.js';
import { checkPlacementKeys, constraintMatches, nodeValue } from './constraints.js';

export interface PlacedTask {
  readonly name: string;
  readonly slot: number | null;
  readonly node: string;
}

interface Load {
  readonly service: Map<string, number>;
  readonly total: Map<string, number>;
  readonly max: number;
}

/** Tasks per service name (services sorted by name, nodes sorted by name); undefined after errors. */
export function placeTasks(
  stackName: string,
  services: readonly Service[],
  nodes: readonly InventoryNode[],
  sink: DiagnosticSink,
): Map<string, PlacedTask[]> | undefined {
  const before = sink.errorCount;
  const total = new Map<string, number>(nodes.map((n) => [n.name, 0]));
  const placed = new Map<string, PlacedTask[]>();
  const cache = new Map<string, readonly InventoryNode[]>();
  for (const service of services) {
    const tasks = placeService(`${stackName}_${service.name}`, service, nodes, total, cache, sink);
    for (const t of tasks) total.set(t.node, (total.get(t.node) ?? 0) + 1);
    placed.set(service.name, tasks);
  }
  return sink.errorCount === before ? placed : undefined;
}

function placeService(
  fullName: string,
  service: Service,
  nodes: readonly InventoryNode[],
  total: Map<string, number>,
  cache: Map<string, readonly InventoryNode[]>,
  sink: DiagnosticSink,
): PlacedTask[] {
  const wanted = service.mode === 'global' ? 1 : (service.replicas ?? 1);
  if (wanted === 0 || !checkPlacementKeys(service, sink)) return [];
  const eligible = eligibleNodes(service, nodes, cache);
  if (eligible.length === 0) {
    reportNoNode(service, nodes.length, sink);
    return [];
  }
  if (service.mode === 'global') return eligible.map((n) => ({ name: `${fullName}.${n.name}`, slot: null, node: n.name }));
  const max = service.placement.maxReplicasPerNode ?? 0;
  if (max > 0 && wanted > max * eligible.length) {
    sink.report(diag('MAX_REPLICAS_UNSATISFIABLE', service.loc, service.name, wanted, eligible.length, max));
    return [];
  }
  const chosen = service.placement.spread.length === 0 ? roundRobin(eligible, wanted, total) : spreadOut(eligible, wanted, service, total, max);
  return chosen.map((node, i) => ({ name: `${fullName}.${i + 1}`, slot: i + 1, node: node.name }));
}

/** Nodes matching every constraint; services with the same constraints share one evaluation. */
function eligibleNodes(service: Service, nodes: readonly InventoryNode[], cache: Map<string, readonly InventoryNode[]>): readonly InventoryNode[] {
  const constraints = service.placement.constraints;
  const key = JSON.stringify(constraints.map((c) => [c.key, c.op, c.value]));
  let eligible = cache.get(key);
  if (!eligible) {
    eligible = nodes.filter((n) => constraints.every((c) => constraintMatches(c, n)));
    cache.set(key, eligible);
  }
  return eligible;
}

/**
 * Without spread, "least-loaded node" cycles through the eligible nodes ordered by
 * their load from earlier services (ties by name): every node gets a task before
 * any gets a second, so max_replicas_per_node holds once the count check passed.
 */
function roundRobin(eligible: readonly InventoryNode[], wanted: number, total: ReadonlyMap<string, number>): InventoryNode[] {
  const load = new Map(eligible.map((n) => [n, total.get(n.name) ?? 0]));
  // Only the first `wanted` nodes of the order matter; a stable sort keeps name order on ties.
  const order = [...eligible].sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0)).slice(0, wanted);
  return Array.from({ length: wanted }, (_, i) => order[i % order.length] as InventoryNode);
}

/** A spread level: nodes sharing one value of the descriptor, with their own sub-levels. */
interface Group {
  readonly value: string;
  readonly nodes: readonly InventoryNode[];
  readonly children: readonly Group[];
  count: number;
}

function spreadOut(eligible: readonly InventoryNode[], wanted: number, service: Service, total: Map<string, number>, max: number): InventoryNode[] {
  const load: Load = { service: new Map(eligible.map((n) => [n.name, 0])), total, max };
  const tree = groupBy(eligible, service.placement.spread.map((s) => s.descriptor));
  const chosen: InventoryNode[] = [];
  for (let slot = 1; slot <= wanted; slot++) {
    const node = pick(tree, eligible, load);
    load.service.set(node.name, (load.service.get(node.name) ?? 0) + 1);
    chosen.push(node);
  }
  return chosen;
}

/** Groups by the first descriptor's value (sorted; nodes without the label share ""), recursively. */
function groupBy(nodes: readonly InventoryNode[], descriptors: readonly string[]): Group[] {
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
    return { value, nodes: members, children: groupBy(members, rest), count: 0 };
  });
}

/** Descends to the least-loaded group with room (ties: lowest value), then its least-loaded node. */
function pick(groups: readonly Group[], nodes: readonly InventoryNode[], load: Load): InventoryNode {
  const hasRoom = (n: InventoryNode) => load.max === 0 || (load.service.get(n.name) ?? 0) < load.max;
  let best: Group | undefined;
  for (const g of groups) {
    if ((best === undefined || g.count < best.count) && g.nodes.some(hasRoom)) best = g;
  }
  if (!best) return leastLoaded(nodes.filter(hasRoom), load);
  best.count++;
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

function reportNoNode(service: Service, nodeCount: number, sink: DiagnosticSink): void {
  const constraints = service.placement.constraints;
  const text = constraints.map((c) => `"${c.raw}"`).join(' and ');
  const notes = constraints.map((c) => ({ message: `constraint "${c.raw}"`, loc: c.loc }));
  sink.report(diagWithNotes('NO_ELIGIBLE_NODE', constraints[0]?.loc ?? service.loc, notes, service.name, text || 'placement', nodeCount));
}
