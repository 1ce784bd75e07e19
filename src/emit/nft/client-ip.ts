/**
 * `client_ip: preserve` (docs/client-ip.md) on the nftables dataplane: the same path as
 * src/emit/client-ip.ts, in nftables words. The sandbox's postrouting accepts (so does
 * not SNAT) a preserving service's published ports for sources outside the ingress
 * subnet; the DNAT keeps the published port, so `th dport` still names the service there.
 * Each of its tasks sets the connection mark from the sandbox MAC (one map, MAC → mark),
 * copies it to the packet inbound (for the reverse-path filter) and on replies, in a
 * `route` chain so the kernel routes the marked reply again; the runner's `ip rule`s do
 * the rest, as on the iptables dataplane.
 */
import type { Plan } from '../../model/plan.js';
import { preserves, type ReturnHop } from '../client-ip.js';
import type { MeshService, MeshTask } from '../mesh-services.js';
import type { NftRule, NftTable } from './model.js';

const rule = (tokens: readonly string[], comment: string): NftRule => ({ tokens, comment });

/** The ingress table with the `preserve` set and its accept ahead of the SNAT; unchanged without a preserving service. */
export function withIngressClientIp(plan: Plan, services: readonly MeshService[], table: NftTable): NftTable {
  const kept = services.filter(preserves);
  if (kept.length === 0) return table;
  const elements = kept.flatMap((svc) => svc.ports.map((p) => ({ key: [p.protocol, String(p.published)] })));
  const names = kept.map((svc) => `${svc.stack ?? plan.stack}/${svc.name}`).join(' ');
  const accept = rule(['ip', 'saddr', '!=', plan.settings.ingressSubnet, 'meta', 'l4proto', '.', 'th', 'dport', '@preserve', 'accept'], `client_ip preserve, no SNAT: ${names}`);
  return {
    ...table,
    sets: [...table.sets, { kind: 'set', name: 'preserve', type: 'inet_proto . inet_service', elements }],
    chains: table.chains.map((c) => (c.name === 'postrouting' ? { ...c, rules: [accept, ...c.rules] } : c)),
  };
}

/** A preserving service's task table with the mark map and the two return chains. */
export function withTaskClientIp(plan: Plan, svc: MeshService, task: MeshTask, table: NftTable, hops: readonly ReturnHop[]): NftTable {
  if (!preserves(svc) || hops.length === 0) return table;
  const tag = `${svc.stack ?? plan.stack}/${svc.name}`;
  const mask = hops[0]!.mask;
  const marked = ['ct', 'mark', 'and', mask, '!=', '0', 'meta', 'mark', 'set', 'ct', 'mark'];
  return {
    ...table,
    sets: [...table.sets, { kind: 'map', name: 'return_marks', type: 'ether_addr : mark', elements: hops.map((h) => ({ key: [h.mac], value: h.mark })) }],
    chains: [
      ...table.chains,
      {
        name: 'return_in',
        base: { type: 'filter', hook: 'prerouting', priority: 'mangle' },
        rules: [
          rule(['ip', 'daddr', task.ip, 'ip', 'saddr', '!=', plan.settings.ingressSubnet, 'ct', 'state', 'new', 'ct', 'mark', 'set', 'ether', 'saddr', 'map', '@return_marks'], `${tag} client_ip: the ingress node`),
          rule(['ip', 'daddr', task.ip, ...marked], `${tag} client_ip mark inbound`),
        ],
      },
      {
        name: 'return_out',
        base: { type: 'route', hook: 'output', priority: 'mangle' },
        rules: [rule(['ip', 'saddr', task.ip, ...marked], `${tag} client_ip replies to their node`)],
      },
    ],
  };
}
