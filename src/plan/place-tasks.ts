/**
 * Placement: which node runs each task. A task recorded in the lock stays on its node
 * while that node is still valid for it (keep-placement.ts). The other tasks of
 * replicated services go one at a time to the least-loaded eligible node (tasks of
 * this service, then tasks on the node so far, then node name), after descending the
 * `spread` tree the way Swarm does (least-loaded label value first); global services
 * get one task on every eligible node. Services are placed in name order, so the
 * result is deterministic whatever order the stack lists them in.
 *
 * Placement that nobody can satisfy is not a refusal: swarmkit's controlapi checks only
 * the constraint grammar (`validatePlacement`), and the scheduler leaves such tasks
 * pending (manager/scheduler/scheduler.go `noSuitableNode`; "max replicas per node
 * limit exceed" from manager/scheduler/filter.go `MaxReplicasFilter`). So meshc warns
 * and meshes the tasks that can be placed. Without an inventory there is no cluster to
 * judge against: the implicit local node stands for all of it, constraints and
 * max_replicas_per_node are not evaluated, and every task lands on it.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Service } from '../model/stack.js';
import { checkPlacementKeys, constraintMatches } from './constraints.js';
import { keepLocked, type MovedTask } from './keep-placement.js';
import { LoadIndex, type TrackedSet } from './load-index.js';
import { spreadOut, spreadTree, type SpreadGroup } from './spread.js';

export interface PlacedTask {
  readonly name: string;
  readonly slot: number | null;
  readonly node: string;
}

interface Eligible {
  readonly nodes: readonly InventoryNode[];
  readonly byName: ReadonlyMap<string, InventoryNode>;
  readonly tracked: TrackedSet;
}

/** Per-compile memo: services with the same constraints (and spread) share one evaluation. */
interface Memo {
  readonly eligible: Map<string, Eligible>;
  readonly trees: Map<string, readonly SpreadGroup[]>;
  readonly index: LoadIndex;
  readonly known: ReadonlySet<string>;
}

/** A service that passed its checks, with the slots it keeps from the lock (none for global). */
interface Prepared {
  readonly service: Service;
  readonly fullName: string;
  readonly key: string;
  readonly eligible: Eligible;
  readonly slots: readonly (InventoryNode | undefined)[];
  readonly moved: readonly MovedTask[];
}

/**
 * Tasks per service name (services sorted by name, nodes sorted by name); undefined
 * after errors. `locked` is the lock's task → node record.
 */
export function placeTasks(
  stackName: string,
  services: readonly Service[],
  nodes: readonly InventoryNode[],
  locked: Readonly<Record<string, string>>,
  sink: DiagnosticSink,
  judged = true,
): Map<string, PlacedTask[]> | undefined {
  const before = sink.errorCount;
  const memo: Memo = { eligible: new Map(), trees: new Map(), index: new LoadIndex(), known: new Set(nodes.map((n) => n.name)) };
  const prepared = services.map((s) => prepare(`${stackName}_${s.name}`, judged ? s : unconstrained(s), nodes, locked, memo, sink));
  // Kept tasks are already running: all of them weigh on their nodes before any task is placed afresh.
  for (const p of prepared) for (const n of p?.slots ?? []) if (n) memo.index.add(n);
  const placed = new Map<string, PlacedTask[]>();
  // forEach rather than for-of over entries(): this runs per task before the JIT has optimized it (issue 18).
  services.forEach((service, i) => {
    const p = prepared[i];
    const tasks = p ? placeRest(p, memo) : [];
    if (p) {
      tasks.forEach((t, j) => p.slots[j] || memo.index.add(p.eligible.byName.get(t.node) as InventoryNode));
      reportMoved(p, tasks, sink);
    }
    placed.set(service.name, tasks);
  });
  return sink.errorCount === before ? placed : undefined;
}

function prepare(
  fullName: string,
  service: Service,
  nodes: readonly InventoryNode[],
  locked: Readonly<Record<string, string>>,
  memo: Memo,
  sink: DiagnosticSink,
): Prepared | undefined {
  let wanted = service.mode === 'global' ? 1 : (service.replicas ?? 1);
  if (wanted === 0) return undefined;
  checkPlacementKeys(service, sink);
  const key = JSON.stringify(service.placement.constraints.map((c) => [c.key, c.op, c.value]));
  const eligible = memoized(memo.eligible, key, () => {
    const matching = nodes.filter((n) => service.placement.constraints.every((c) => constraintMatches(c, n)));
    return { nodes: matching, byName: new Map(matching.map((n) => [n.name, n])), tracked: memo.index.track(matching) };
  });
  if (eligible.nodes.length === 0) {
    reportNoNode(service, nodes.length, sink);
    return undefined;
  }
  if (service.mode === 'global') return { service, fullName, key, eligible, slots: [], moved: [] };
  const max = service.placement.maxReplicasPerNode ?? 0;
  if (max > 0 && wanted > max * eligible.nodes.length) {
    sink.report(diag('MAX_REPLICAS_UNSATISFIABLE', service.loc, service.name, wanted, eligible.nodes.length, max));
    // The slots Swarm can fill run; the rest stay pending and are not meshed.
    wanted = max * eligible.nodes.length;
  }
  return { service, fullName, key, eligible, ...keepLocked(fullName, wanted, eligible.byName, max, locked, memo.known) };
}

/** Every task of the service: kept slots as they are, the others placed. */
function placeRest(p: Prepared, memo: Memo): PlacedTask[] {
  const { service, fullName, eligible, slots } = p;
  if (service.mode === 'global') return eligible.nodes.map((n) => ({ name: `${fullName}.${n.name}`, slot: null, node: n.name }));
  const descriptors = service.placement.spread.map((s) => s.descriptor);
  const fresh = slots.every((n) => n === undefined);
  if (descriptors.length === 0 && fresh) return named(fullName, roundRobin(memo.index, eligible.tracked, slots.length));
  if (slots.every((n) => n !== undefined)) return named(fullName, slots as readonly InventoryNode[]);
  const tree = descriptors.length === 0 ? [] : memoized(memo.trees, `${p.key}|${descriptors.join('|')}`, () => spreadTree(eligible.nodes, descriptors));
  return named(fullName, spreadOut(tree, eligible.nodes, slots, memo.index.load, service.placement.maxReplicasPerNode ?? 0));
}

/** A moved task's container must be started on its new node: say so, as the other allocators do. */
function reportMoved(p: Prepared, tasks: readonly PlacedTask[], sink: DiagnosticSink): void {
  for (const m of p.moved) {
    const next = tasks.find((t) => t.name === m.task)?.node ?? '?';
    sink.report(diag('LOCK_VALUE_REALLOCATED', p.service.loc, `node of task '${m.task}'`, `'${m.from}'`, `'${next}'`, m.why));
  }
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

/** No inventory: the local node stands for the whole cluster, so placement is not judged. */
function unconstrained(service: Service): Service {
  const { maxReplicasPerNode: _ignored, ...rest } = service.placement;
  return { ...service, placement: { ...rest, constraints: [] } };
}

function reportNoNode(service: Service, nodeCount: number, sink: DiagnosticSink): void {
  const constraints = service.placement.constraints;
  const text = constraints.map((c) => c.raw.replace(/\s+/g, ' ').trim()).join(' and ');
  const notes = constraints.map((c) => ({ message: `constraint "${c.raw}"`, loc: c.loc }));
  const tasks = service.mode === 'global' ? 'the' : (service.replicas ?? 1);
  sink.report(diagWithNotes('NO_ELIGIBLE_NODE', constraints[0]?.loc ?? service.loc, notes, service.name, text || 'placement', nodeCount, tasks));
}
