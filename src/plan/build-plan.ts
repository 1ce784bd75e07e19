/**
 * The planner: places tasks on nodes and allocates everything the mesh needs
 * (published ports, fwmarks, ingress addresses), keeping what the lock recorded.
 * Every collection is processed in a fixed order (services, nodes and tasks by
 * name, ports in stack order), so the same input always gives the same bytes.
 *
 * One stack (`meshc compile stack.yml`) keys its lock by service name, as it always
 * has; a cluster (src/cluster/) keys it by Swarm's full name `<stack>_<service>`, so one
 * lock holds every stack and no key of one stack can meet another's.
 */
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../model/inventory.js';
import type { NetworkSettings, Plan, PlanNode, PlanPort, PlanService } from '../model/plan.js';
import type { NormalizedStack, Service, StackSettings } from '../model/stack.js';
import { allocateAddresses } from './allocate-addresses.js';
import { allocateFwmarks } from './allocate-fwmarks.js';
import { allocatePorts, infrastructurePorts } from './allocate-ports.js';
import { checkCapacity } from './check-capacity.js';
import { checkClientIp, planClientIp } from './client-ip.js';
import { checkHostPorts } from './check-host-ports.js';
import { checkHealthPort, planHealth } from './health.js';
import { labelMap } from './inventory-checks.js';
import { EMPTY_LOCK, type Lock } from './lock.js';
import { placeTasks, type PlacedTask } from './place-tasks.js';
import { checkReservedPorts } from './reserved-ports.js';
import { checkNodeAddresses, resolveSettings } from './settings.js';

export interface PlanOptions {
  /** Previous lock (undefined: none yet). */
  readonly lock?: Lock;
  /** Where the lock came from (the CLI reads and writes it there). */
  readonly lockFile?: string;
  /** Network settings from the command line: they override the inventory and the stack. */
  readonly settings?: Partial<NetworkSettings>;
}

/** One service as the allocators see it: `keyed.name` is its lock key. */
export interface PlanMember {
  readonly stack: string;
  readonly service: Service;
  readonly keyed: Service;
}

/** What one planning run works on: a stack, or every stack of a cluster. */
export interface PlanScope {
  /** The plan's name (the stack's, or the cluster's). */
  readonly name: string;
  /** Sorted by lock key. */
  readonly members: readonly PlanMember[];
  /** Stack settings in force (a cluster's are agreed between its stacks first). */
  readonly stackSettings: StackSettings;
  /** Each PlanService names its stack (a cluster); omitted for one stack, whose plan names it once. */
  readonly perServiceStack: boolean;
  /** Task placement, keyed by lock key. */
  readonly place: (nodes: readonly InventoryNode[], locked: Lock['placement'], judged: boolean) => ReadonlyMap<string, readonly PlacedTask[]> | undefined;
}

interface Allocations {
  readonly ports: ReadonlyMap<string, readonly PlanPort[]>;
  readonly placed: ReadonlyMap<string, readonly PlacedTask[]>;
  readonly fwmarks: Lock['fwmarks'];
  readonly ips: Lock['ips'];
}

/** Placement and allocation of one stack. Returns the plan and the lock to record, or undefined after errors. */
export function buildPlan(stack: NormalizedStack, inventory: Inventory, opts: PlanOptions, sink: DiagnosticSink): { plan: Plan; lock: Lock } | undefined {
  const services = [...stack.services].sort((a, b) => compare(a.name, b.name));
  return planScope(
    {
      name: stack.name,
      members: services.map((service) => ({ stack: stack.name, service, keyed: service })),
      stackSettings: stack.settings,
      perServiceStack: false,
      place: (nodes, locked, judged) => placeTasks(stack.name, services, nodes, locked, sink, judged),
    },
    inventory,
    opts,
    sink,
  );
}

/** Placement and allocation of a scope (one stack, or a whole cluster). */
export function planScope(scope: PlanScope, inventory: Inventory, opts: PlanOptions, sink: DiagnosticSink): { plan: Plan; lock: Lock } | undefined {
  const before = sink.errorCount;
  const locked = opts.lock ?? EMPTY_LOCK;
  const services = scope.members.map((m) => m.keyed);
  const nodes = [...inventory.nodes].sort((a, b) => compare(a.name, b.name));
  const resolved = resolveSettings(opts.settings ?? {}, inventory, scope.stackSettings, sink);
  const settings = resolved?.values;
  // No inventory (source null: the implicit local node), no placement verdicts.
  const judged = inventory.source !== null;
  // Counts first, by arithmetic: no task is built for a scope that cannot fit (issue 13 item 9).
  const fits = checkCapacity(services, nodes, sink);
  const placed = fits ? scope.place(nodes, locked.placement, judged) : undefined;
  if (!resolved || !settings || !placed) return undefined;
  checkNodeAddresses(nodes, resolved, sink);
  checkReservedPorts(services, resolved, sink);
  // The allocators are independent: run them all so one compile reports every problem.
  if (judged) checkHostPorts(services, placed, sink);
  for (const service of services) checkHealthPort(service, sink);
  for (const service of services) checkClientIp(service, sink);
  const ports = allocatePorts(services, settings.dynamicPortRange, locked.ports, infrastructurePorts(settings.vxlanPort), sink);
  const ingress = services.filter(hasIngressPorts);
  const members = ingress.map((service) => ({ service, tasks: placed.get(service.name) ?? [] }));
  const fwmarks = allocateFwmarks(ingress, settings.fwmarkBase, locked.fwmarks, resolved.locate('fwmarkBase'), sink);
  const ips = allocateAddresses(settings.ingressSubnet, nodes, members, locked.ips, resolved.locate('ingressSubnet'), sink);
  if (!ports || !fwmarks || !ips || sink.errorCount !== before) return undefined;
  const all: Allocations = { ports: ports.ports, placed, fwmarks, ips };
  const plan: Plan = {
    stack: scope.name,
    settings,
    nodes: nodes.map((n): PlanNode => ({ name: n.name, address: n.address, role: n.role, labels: labelMap(n.labels), ingressIp: ips.nodes[n.name] ?? '' })),
    services: scope.members.map((m) => planService(m, scope.perServiceStack, all)),
  };
  return { plan, lock: { version: 1, ports: ports.lock, fwmarks, ips, placement: placementOf(placed) } };
}

function planService({ stack, service, keyed }: PlanMember, perServiceStack: boolean, all: Allocations): PlanService {
  const key = keyed.name;
  const ports = all.ports.get(key) ?? [];
  const ingress = hasIngressPorts(service);
  return {
    name: service.name,
    fullName: `${stack}_${service.name}`,
    ...(perServiceStack ? { stack } : {}),
    fwmark: ingress ? (all.fwmarks[key] ?? null) : null,
    vip: ingress ? (all.ips.vips[key] ?? null) : null,
    endpointMode: service.endpointMode,
    ports,
    tasks: (all.placed.get(key) ?? []).map((t) => ({ name: t.name, slot: t.slot, node: t.node, ip: ingress ? (all.ips.tasks[t.name] ?? null) : null })),
    health: planHealth(service, ports),
    ...planClientIp(service),
  };
}

/** Every task's node, global tasks too: the lock then holds the whole task → node map operators read. */
function placementOf(placed: ReadonlyMap<string, readonly PlacedTask[]>): Lock['placement'] {
  // One object filled in place: a pair array per task (fromEntries) is the planner's biggest allocation on a large stack.
  const out: Record<string, string> = {};
  placed.forEach((tasks) => tasks.forEach((t) => (out[t.name] = t.node)));
  return out;
}

function hasIngressPorts(service: Service): boolean {
  return service.ports.some((p) => p.mode === 'ingress');
}

/** Code-unit order, independent of the process locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
