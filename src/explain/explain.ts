/**
 * `meshc explain`: the whole path a packet to a published port takes, node by node,
 * with the file and line of every rule on it in the output tree: host DNAT and
 * accepts, the sandbox's mark, the IPVS service and its real servers, the SNAT, and
 * the REDIRECT inside the task that IPVS picks. Plain text in plan order.
 */
import type { Plan, PlanPort, PlanService } from '../model/plan.js';
import type { NodeRuleSet, OutputFile, RuleSets } from '../model/rules.js';
import type { Protocol } from '../model/stack.js';
import { OutputIndex } from './locate.js';
import { formatSteps, ruleSteps, type Step } from './steps.js';
import { explainNftPort } from './nft-path.js';
import { addressRules, hooksInto, ipvsSnatRules, portRules } from './path-rules.js';
import { noSnatRules, returnPathLines } from './return-path.js';

export interface ExplainInput {
  readonly plan: Plan;
  readonly ruleSets: RuleSets;
  readonly files: readonly OutputFile[];
}

export interface ExplainSelector {
  readonly service?: string;
  readonly port?: number;
  readonly protocol?: Protocol;
}

/** `found` is false when no published port matches; `text` then lists the ports there are. */
export function explain(input: ExplainInput, selector: ExplainSelector): { text: string; found: boolean } {
  const index = new OutputIndex(input.files);
  const sections: string[] = [];
  for (const service of input.plan.services) {
    if (selector.service !== undefined && selector.service !== service.name && selector.service !== service.fullName) continue;
    for (const port of service.ports) {
      if (selector.port !== undefined && selector.port !== port.published) continue;
      if (selector.protocol !== undefined && selector.protocol !== port.protocol) continue;
      sections.push(explainPort(input, index, service, port));
    }
  }
  if (sections.length > 0) return { text: sections.join('\n'), found: true };
  return { text: `no published port matches ${describe(selector)}\n${listPorts(input.plan)}`, found: false };
}

function explainPort(input: ExplainInput, index: OutputIndex, service: PlanService, port: PlanPort): string {
  const out = [headline(service, port)];
  const tasks = service.tasks.map((t) => `${t.name} on ${t.node}${t.ip ? ` (${t.ip})` : ''}`);
  out.push(`  tasks: ${tasks.length ? tasks.join(', ') : 'none'}`);
  if (port.mode === 'host') {
    out.push('  host mode: no routing mesh. Docker binds the port on each node that runs a task; meshc emits no rules for it.');
    return out.join('\n') + '\n';
  }
  if (service.tasks.length === 0 || service.fwmark === null) {
    out.push('  no tasks: as in Swarm, a service without tasks has no mesh rules on any node.');
    return out.join('\n') + '\n';
  }
  // The nftables dataplane (docs/dataplanes.md) has its own files and its own path.
  if (input.plan.settings.dataplane === 'nftables') {
    return [...out, ...explainNftPort(input.files, input.plan, { ...service, fwmark: service.fwmark }, port)].join('\n') + '\n';
  }
  for (const node of input.plan.nodes) {
    const rules = input.ruleSets.nodes.find((n) => n.node === node.name);
    out.push('', `  entering at ${node.name} (${node.address}), port ${port.published}/${port.protocol}:`);
    out.push(...(rules ? formatSteps(nodeSteps(index, input.plan, service, port, rules)) : ['    (no rules emitted for this node)']));
  }
  out.push('', `  then over the ingress network (VNI ${input.plan.settings.vni}) into the task IPVS chose:`);
  out.push(...formatSteps(taskSteps(index, input.ruleSets, service, port)));
  out.push(...returnPathLines(index, input.plan, input.ruleSets, service));
  return out.join('\n') + '\n';
}

function nodeSteps(index: OutputIndex, plan: Plan, service: PlanService, port: PlanPort, rules: NodeRuleSet): Step[] {
  const node = rules.node;
  const hostRules = portRules(rules.host, port.protocol, port.published);
  const forward = addressRules(rules.host, plan.settings.sandboxGatewayIp, hostRules).filter((r) => r.table === 'filter');
  const sandboxRules = portRules(rules.ingress, port.protocol, port.published);
  const snat = [...noSnatRules(rules.ingress, service.fwmark ?? 0), ...ipvsSnatRules(rules.ingress)];
  return [
    ...ruleSteps(index, 'host', `${node}/host.rules`, hostRules, hooksInto(rules.host, hostRules)),
    ...(forward.length ? ruleSteps(index, 'forward', `${node}/host.rules`, forward, hooksInto(rules.host, forward)) : []),
    ...ruleSteps(index, 'sandbox', `${node}/ingress.rules`, sandboxRules, hooksInto(rules.ingress, sandboxRules)),
    ...ipvsSteps(index, plan, service, rules),
    ...ruleSteps(index, 'snat', `${node}/ingress.rules`, snat, hooksInto(rules.ingress, snat)),
  ];
}

function ipvsSteps(index: OutputIndex, plan: Plan, service: PlanService, rules: NodeRuleSet): Step[] {
  const path = `${rules.node}/ipvs.rules`;
  const ipvs = rules.ipvs.find((s) => s.fwmark === service.fwmark);
  if (!ipvs) return [{ step: 'ipvs', where: path, what: `no IPVS service for fwmark ${service.fwmark}` }];
  const steps: Step[] = [{ step: 'ipvs', where: index.ipvsWhere(path, ipvs.fwmark), what: `FWM ${ipvs.fwmark} ${ipvs.scheduler}` }];
  for (const real of ipvs.reals) {
    const task = plan.services.flatMap((s) => s.tasks).find((t) => t.name === real.task);
    const on = task ? ` on ${task.node}` : '';
    steps.push({ step: '', where: index.ipvsWhere(path, ipvs.fwmark, real.ip), what: `  -> ${real.ip}:0 masq weight ${real.weight}  ${real.task}${on}` });
  }
  return steps;
}

function taskSteps(index: OutputIndex, ruleSets: RuleSets, service: PlanService, port: PlanPort): Step[] {
  const steps: Step[] = [];
  for (const task of service.tasks) {
    const rules = ruleSets.nodes.find((n) => n.node === task.node)?.tasks.find((t) => t.task === task.name);
    const path = `${task.node}/tasks/${task.name}.rules`;
    if (!rules) {
      steps.push({ step: 'task', where: path, what: `${task.name}: no task rules emitted` });
      continue;
    }
    const redirect = portRules(rules.rules, port.protocol, port.published);
    const accept = port.target === port.published ? [] : portRules(rules.rules, port.protocol, port.target);
    steps.push(...ruleSteps(index, 'task', path, [...redirect, ...accept], []));
  }
  return steps;
}

function headline(service: PlanService, port: PlanPort): string {
  const facts = [port.mode, port.dynamic ? 'published port allocated by meshc' : ''];
  if (port.mode === 'ingress' && service.fwmark !== null) facts.push(`fwmark ${service.fwmark}`, service.vip ? `VIP ${service.vip}` : '');
  return `${service.fullName} ${port.published}/${port.protocol} -> target ${port.target} (${facts.filter(Boolean).join(', ')})`;
}

function describe(selector: ExplainSelector): string {
  const parts = [selector.service ? `service ${selector.service}` : '', selector.port !== undefined ? `port ${selector.port}` : '', selector.protocol ?? ''];
  return parts.filter(Boolean).join(' ') || 'any service';
}

function listPorts(plan: Plan): string {
  const ports = plan.services.flatMap((s) => s.ports.map((p) => `  ${s.name} ${p.published}/${p.protocol} (${p.mode})`));
  return ports.length ? `published ports:\n${ports.join('\n')}\n` : 'the stack publishes no ports\n';
}
