/**
 * A cluster's plan: every stack on one ingress network, as `docker stack deploy` of each
 * stack onto one swarm would give. Services are keyed by Swarm's full name
 * `<stack>_<service>` (unique per swarm), so one lock records every stack and the
 * allocators see one pool: no two services of the cluster share a published
 * (port, protocol), a fwmark, a VIP or a task address. Placement runs per stack (in
 * stack-name order), so adding or removing a stack never moves another stack's tasks.
 */
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import type { Plan } from '../model/plan.js';
import type { NormalizedStack, Service, StackSettings } from '../model/stack.js';
import { compare, planScope, type PlanMember, type PlanOptions } from '../plan/build-plan.js';
import type { Lock } from '../plan/lock.js';
import { placeTasks, type PlacedTask } from '../plan/place-tasks.js';
import { checkCrossStackPorts } from './cross-stack-ports.js';
import { agreeStackSettings } from './agree-settings.js';

export function buildClusterPlan(
  name: string,
  stacks: readonly NormalizedStack[],
  inventory: Inventory,
  opts: PlanOptions,
  sink: DiagnosticSink,
): { plan: Plan; lock: Lock } | undefined {
  const sorted = [...stacks].sort((a, b) => compare(a.name, b.name));
  const before = sink.errorCount;
  // Every cross-stack check runs, so one compile reports every conflict.
  const members = membersOf(sorted, sink);
  const stackSettings = agreeStackSettings(sorted, sink);
  checkCrossStackPorts(members, sink);
  if (!stackSettings || sink.errorCount !== before) return undefined;
  return planScope(
    {
      name,
      members,
      stackSettings,
      perServiceStack: true,
      place: (nodes, locked, judged) => {
        const placed = new Map<string, readonly PlacedTask[]>();
        for (const stack of sorted) {
          const services = [...stack.services].sort((a, b) => compare(a.name, b.name));
          const own = placeTasks(stack.name, services, nodes, locked, sink, judged);
          if (!own) return undefined;
          for (const [service, tasks] of own) placed.set(`${stack.name}_${service}`, tasks);
        }
        return placed;
      },
    },
    inventory,
    opts,
    sink,
  );
}

/**
 * Every service under its full name, sorted by it. Two stacks can still produce one full
 * name (`a` + `b_c`, `a_b` + `c`): Swarm refuses the second service create, meshc says so
 * at both definitions.
 */
function membersOf(stacks: readonly NormalizedStack[], sink: DiagnosticSink): PlanMember[] {
  const byName = new Map<string, PlanMember>();
  for (const stack of stacks) {
    for (const service of stack.services) {
      const fullName = `${stack.name}_${service.name}`;
      const other = byName.get(fullName);
      if (other) {
        const note = (m: PlanMember) => [{ message: `service '${m.service.name}' of stack '${m.stack}'`, loc: m.service.loc as SourceLoc }];
        sink.report(diagWithNotes('CLUSTER_SERVICE_NAME_TAKEN', service.loc, note(other), fullName, stack.name, other.stack));
        sink.report(diagWithNotes('CLUSTER_SERVICE_NAME_TAKEN', other.service.loc, note({ stack: stack.name, service, keyed: service }), fullName, other.stack, stack.name));
        continue;
      }
      const keyed: Service = { ...service, name: fullName };
      byName.set(fullName, { stack: stack.name, service, keyed });
    }
  }
  return [...byName.values()].sort((a, b) => compare(a.keyed.name, b.keyed.name));
}

export type { StackSettings };
