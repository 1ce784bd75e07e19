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
import { checkPlacementKeys, constraintMatches } from './constraints.js';
import { LoadIndex, type TrackedSet } from './load-index.js';
import { spreadOut, spreadTree, type SpreadGroup } from './spread.js';

export interface PlacedTask {
  readonly name: string;
  readonly slot: number | null;
  readonly node: string;
}

/** Per-compile memo: services with the same constraints (and spread) share one evaluation. */
interface Memo {
  readonly eligible: Map<string, { readonly nodes: readonly InventoryNode[]; readonly tracked: TrackedSet }>;
  readonly trees: Map<string, readonly SpreadGroup[]>;
  readonly index: LoadIndex;
}

/** Tasks per service name (services sorted by name, nodes sorted by name); undefined after errors. */
export function placeTasks(
  stackName: string,
  services: readonly Service[],
  nodes: readonly InventoryNode[],
  sink: DiagnosticSink,
): Map<string, PlacedTask[]> | undefined {
  const before = sink.errorCount;
  const placed = new Map<string, PlacedTask[]>();
  const memo: Memo = { eligible: new Map(), trees: new Map(), index: new LoadIndex() };
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const service of services) {
    const tasks = placeService(`${stackName}_${service.name}`, service, nodes, memo, sink);
    for (const t of tasks) memo.index.add(byName.get(t.node) as InventoryNode);
    placed.set(service.name, tasks);
  }
  return sink.errorCount === before ? placed : undefined;
}

function placeService(
  fullName: string,
  service: Service,
  nodes: readonly InventoryNode[],
  memo: Memo,
  sink: DiagnosticSink,
): PlacedTask[] {
  const wanted = service.mode === 'global' ? 1 : (service.replicas ?? 1);
  if (wanted === 0 || !checkPlacementKeys(service, sink)) return [];
  const key = JSON.stringify(service.placement.constraints.map((c) => [c.key, c.op, c.value]));
  const { nodes: eligible, tracked } = memoized(memo.eligible, key, () => {
    const matching = nodes.filter((n) => service.placement.constraints.every((c) => constraintMatches(c, n)));
    return { nodes: matching, tracked: memo.index.track(matching) };
  });
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
  const descriptors = service.placement.spread.map((s) => s.descriptor);
  if (descriptors.length === 0) return named(fullName, roundRobin(memo.index, tracked, wanted));
  const tree = memoized(memo.trees, `${key}|${descriptors.join('|')}`, () => spreadTree(eligible, descriptors));
  return named(fullName, spreadOut(tree, eligible, wanted, memo.index.load, max));
}

function named(fullName: string, chosen: readonly InventoryNode[]): PlacedTask[] {
  return chosen.map((node, i) => ({ name: `${fullName}.${i + 1}`, slot: i + 1, node: node.name }));
}

function memoized<T>(memo: Map<string, T>, key: string, make: () => T): T {
  let value = memo.get(key);
  if (value === undefined) {
    value = make();
    memo.set(key, value);
  }
  return value;
}

/**
 * Without spread, "least-loaded node" cycles through the eligible nodes ordered by
 * their load from earlier services (ties by name): every node gets a task before
 * any gets a second, so max_replicas_per_node holds once the count check passed.
 */
function roundRobin(index: LoadIndex, eligible: TrackedSet, wanted: number): InventoryNode[] {
  const order = index.lowest(eligible, Math.min(wanted, eligible.size));
  return Array.from({ length: wanted }, (_, i) => order[i % order.length] as InventoryNode);
}

function reportNoNode(service: Service, nodeCount: number, sink: DiagnosticSink): void {
  const constraints = service.placement.constraints;
  const text = constraints.map((c) => `"${c.raw}"`).join(' and ');
  const notes = constraints.map((c) => ({ message: `constraint "${c.raw}"`, loc: c.loc }));
  sink.report(diagWithNotes('NO_ELIGIBLE_NODE', constraints[0]?.loc ?? service.loc, notes, service.name, text || 'placement', nodeCount));
}
