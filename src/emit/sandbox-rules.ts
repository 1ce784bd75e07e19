/**
 * The ingress sandbox: mangle marks (published ports and the VIP) that select the
 * service's IPVS fwmark service, and the SNAT that sends IPVS traffic into the ingress
 * network from the sandbox's own ingress address. The marks are the same on every
 * node because the plan fixes them (Swarm draws them from a per-daemon counter).
 */
import type { Plan, PlanNode } from '../model/plan.js';
import type { IpvsService, Rule, Ruleset, Table } from '../model/rules.js';
import { SANDBOX, SANDBOX_HOOKS } from './chains.js';
import { portComment, proto, rule, type MeshService } from './mesh-services.js';
import { compareIpv4 } from './ipv4-order.js';

/** The sandbox rules of `node`; `mangle` is the same on every node, so it is built once and shared. */
export function emitSandboxRules(plan: Plan, node: PlanNode, services: readonly MeshService[], mangle: Table): Ruleset {
  // Swarm never removes this rule; meshc writes it while any service needs it, so a
  // node without mesh services does not need the xt_ipvs module at all.
  const snat = services.length === 0 ? [] : [
    rule(['-d', plan.settings.ingressSubnet, '-m', 'ipvs', '--ipvs', '-j', 'SNAT', '--to-source', node.ingressIp], `${plan.stack} ipvs to ingress network`),
  ];
  return { tables: [mangle, { name: 'nat', chains: [{ name: SANDBOX.snat, rules: snat }] }], hooks: SANDBOX_HOOKS };
}

/** Marks by published port and by VIP, one fwmark per service. */
export function emitSandboxMangle(plan: Plan, services: readonly MeshService[]): Table {
  const marks: Rule[] = [];
  const vips: Rule[] = [];
  for (const svc of services) {
    const mark = ['-j', 'MARK', '--set-mark', String(svc.fwmark)];
    for (const port of svc.ports) {
      marks.push(rule([...proto(port.protocol), '--dport', String(port.published), ...mark], portComment(plan, svc, port)));
    }
    vips.push(rule(['-d', `${svc.vip}/32`, ...mark], `${svc.stack ?? plan.stack}/${svc.name} vip`));
  }
  return { name: 'mangle', chains: [{ name: SANDBOX.mark, rules: marks }, { name: SANDBOX.vip, rules: vips }] };
}

/** One fwmark service per mesh service, every task a masquerading real server of weight 1, on every node. */
export function emitIpvsServices(services: readonly MeshService[]): IpvsService[] {
  return services
    .map((svc): IpvsService => ({
      fwmark: svc.fwmark,
      scheduler: 'rr',
      service: svc.name,
      reals: [...svc.tasks].sort((a, b) => compareIpv4(a.ip, b.ip)).map((t) => ({ ip: t.ip, weight: 1, task: t.name })),
    }))
    .sort((a, b) => a.fwmark - b.fwmark);
}
