/**
 * The node's own namespace: DNAT of every published port to the ingress sandbox, the
 * MASQUERADE that lets host-local clients reach it, and the filter rules that let the
 * mesh through a FORWARD policy of DROP.
 *
 * Filter: Swarm writes two ACCEPTs per port (`--dport P` and `--sport P` ESTABLISHED).
 * meshc writes two rules in all, whatever the port count:
 *  - `-o <bridge> -d <sandbox>/32 --ctstate DNAT`: any packet of a connection that was
 *    DNATed to the sandbox. Only meshc's own DNAT rules target that address, so this
 *    accepts exactly the published ports, and a client cannot route to the sandbox
 *    directly (no DNAT, no match).
 *  - `-i <bridge> -s <sandbox>/32 --ctstate RELATED,ESTABLISHED`: the replies (reply
 *    packets still carry the sandbox as source in FORWARD; the un-DNAT happens later).
 */
import type { Plan } from '../model/plan.js';
import type { Rule, Ruleset } from '../model/rules.js';
import { HOST, HOST_HOOKS } from './chains.js';
import { portComment, proto, rule, type MeshService } from './mesh-services.js';

export function emitHostRules(plan: Plan, services: readonly MeshService[]): Ruleset {
  const { sandboxGatewayIp: sbox, hostBridge: bridge } = plan.settings;
  const dnat: Rule[] = [];
  for (const svc of services) {
    for (const port of svc.ports) {
      const to = `${sbox}:${port.published}`;
      dnat.push(rule([...proto(port.protocol), '--dport', String(port.published), '-j', 'DNAT', '--to-destination', to], portComment(plan, svc, port)));
    }
  }
  const any = dnat.length > 0;
  const masquerade = any ? [rule(['-o', bridge, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'MASQUERADE'], `${plan.stack} host-local clients`)] : [];
  const forward = any ? forwardRules(plan, bridge, sbox) : [];
  return {
    tables: [
      { name: 'nat', chains: [{ name: HOST.ingress, rules: dnat }, { name: HOST.postrouting, rules: masquerade }] },
      { name: 'filter', chains: [{ name: HOST.forward, rules: forward }] },
    ],
    hooks: HOST_HOOKS,
  };
}

function forwardRules(plan: Plan, bridge: string, sbox: string): Rule[] {
  const conntrack = ['-m', 'conntrack', '--ctstate'];
  return [
    rule(['-d', `${sbox}/32`, '-o', bridge, ...conntrack, 'DNAT', '-j', 'ACCEPT'], `${plan.stack} to ingress sandbox`),
    rule(['-s', `${sbox}/32`, '-i', bridge, ...conntrack, 'RELATED,ESTABLISHED', '-j', 'ACCEPT'], `${plan.stack} replies from ingress sandbox`),
  ];
}
