/**
 * The emitters' entry point: per node, the host rules, the ingress sandbox rules, the
 * IPVS services and the rules of each local task, as data. Host rules and IPVS
 * services are identical on every node (every node DNATs every published port and
 * balances to every task); the sandbox differs only in its SNAT source. Parts that are
 * identical across nodes are shared objects, which the renderer prints once.
 */
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import type { NodeRuleSet, RuleSets, TaskRules } from '../model/rules.js';
import { preserves, returnHops, withSandboxClientIp, withTaskClientIp } from './client-ip.js';
import { emitHostRules } from './host-rules.js';
import { meshServices, type MeshService } from './mesh-services.js';
import { emitIpvsServices, emitSandboxMangle, emitSandboxRules } from './sandbox-rules.js';
import { emitTaskRules } from './task-rules.js';

/**
 * Nodes in plan order; a node's tasks sorted by task name. Throws only on an inconsistent
 * plan (a planner bug). Reports nothing today (the port-shadowing warning is the front
 * end's, where ports have positions); the sink keeps every stage's signature alike.
 */
export function emitRuleSets(plan: Plan, _sink: DiagnosticSink): RuleSets {
  const services = meshServices(plan);
  const host = emitHostRules(plan, services);
  const ipvs = emitIpvsServices(services);
  const mangle = emitSandboxMangle(plan, services);
  const tasksByNode = groupTasks(plan, services);
  for (const name of tasksByNode.keys()) {
    if (!plan.nodes.some((n) => n.name === name)) throw new Error(`internal: plan places a task on unknown node ${name}`);
  }
  const nodes = plan.nodes.map(
    (node): NodeRuleSet => ({
      node: node.name,
      host,
      ingress: withSandboxClientIp(plan, services, emitSandboxRules(plan, node, services, mangle)),
      ipvs,
      tasks: (tasksByNode.get(node.name) ?? []).sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0)),
    }),
  );
  return { nodes };
}

function groupTasks(plan: Plan, services: readonly MeshService[]): Map<string, TaskRules[]> {
  const byNode = new Map<string, TaskRules[]>();
  const hops = services.some(preserves) ? returnHops(plan) : [];
  for (const svc of services) {
    for (const task of svc.tasks) {
      const list = byNode.get(task.node) ?? [];
      list.push(withTaskClientIp(plan, svc, task, emitTaskRules(plan, svc, task), hops));
      byNode.set(task.node, list);
    }
  }
  return byNode;
}
