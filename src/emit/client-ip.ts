/**
 * `client_ip: preserve` (docs/client-ip.md) on the iptables + IPVS dataplane: the sandbox
 * lets a preserving service's IPVS traffic leave without SNAT, and each of its tasks sends
 * replies back through the sandbox of the node the connection came in by.
 *
 * The node is read from the source MAC of the connection's first packet (the sandbox →
 * task hop is one Ethernet segment: bridge + VXLAN), saved in the conntrack mark, put back
 * on each reply, and policy-routed to that node's sandbox. Every per-node value derives
 * from the node's planned ingress address, so the lock needs no new field:
 * MAC `02:42:` + the address bytes (Docker's GenerateMACFromIP scheme), mark = host part in
 * the mark's top (32 − prefix) bits, routing table 20000 + host part, rule priority 20000.
 */
import type { Plan, PlanNode } from '../model/plan.js';
import type { Hook, Rule, Ruleset, TaskRules } from '../model/rules.js';
import { SANDBOX } from './chains.js';
import { ipv4Number } from './ipv4-order.js';
import { rule, type MeshService, type MeshTask } from './mesh-services.js';

export const RETURN_CHAIN = { in: 'MESHC-RETURN-IN', out: 'MESHC-RETURN-OUT' } as const;
/** `ip rule` priority of every return rule: after `local` (0), before `main` (32766). */
export const RETURN_RULE_PREF = 20000;
/** Routing table of node h (its ingress address's host part): RETURN_TABLE_BASE + h. */
export const RETURN_TABLE_BASE = 20000;

export const RETURN_HOOKS: readonly Hook[] = [
  { table: 'mangle', builtin: 'PREROUTING', match: [], target: RETURN_CHAIN.in },
  { table: 'mangle', builtin: 'OUTPUT', match: [], target: RETURN_CHAIN.out },
];

/** One node as a return destination: where its sandbox is and how a task recognises it. */
export interface ReturnHop {
  readonly node: string;
  /** The node's sandbox on the ingress network: the replies' gateway. */
  readonly gateway: string;
  /** The sandbox's ingress interface MAC, lower case as `ip link` prints it. */
  readonly mac: string;
  /** `0x3000000`: hexadecimal without padding, as `ip rule` and iptables-save print it. */
  readonly mark: string;
  readonly mask: string;
  readonly table: number;
}

/** Every node, in plan order. Throws on a node whose ingress address is outside the subnet (a planner bug). */
export function returnHops(plan: Plan): ReturnHop[] {
  const [net, len] = plan.settings.ingressSubnet.split('/');
  const prefix = Number(len);
  const network = ipv4Number(net ?? '');
  return plan.nodes.map((node) => {
    const host = ipv4Number(node.ingressIp) - network;
    if (!(host >= 1 && host < 2 ** (32 - prefix))) throw new Error(`internal: node ${node.name} ingress address ${node.ingressIp} is not in ${plan.settings.ingressSubnet}`);
    return {
      node: node.name,
      gateway: node.ingressIp,
      mac: sandboxMac(node),
      mark: hex(host * 2 ** prefix),
      mask: hex((2 ** 32 - 1) - (2 ** prefix - 1)),
      table: RETURN_TABLE_BASE + host,
    };
  });
}

/** `02:42:0a:00:00:03` for 10.0.0.3: locally administered, unique per ingress address, as Docker derives container MACs. */
export function sandboxMac(node: Pick<PlanNode, 'ingressIp'>): string {
  return ['02', '42', ...node.ingressIp.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function preserves(svc: MeshService): boolean {
  return svc.clientIp === 'preserve';
}

/**
 * The sandbox's MESHC-SNAT with one RETURN per preserving service ahead of the SNAT: its
 * IPVS traffic keeps the client's address. Sources inside the ingress subnet (a task using
 * the VIP) still get the SNAT, or their replies would bypass IPVS.
 */
export function withSandboxClientIp(plan: Plan, services: readonly MeshService[], ingress: Ruleset): Ruleset {
  const keep = services.filter(preserves).map((svc) =>
    rule(['!', '-s', plan.settings.ingressSubnet, '-m', 'mark', '--mark', hex(svc.fwmark), '-j', 'RETURN'], `${svc.stack ?? plan.stack}/${svc.name} client_ip preserve: no SNAT`),
  );
  if (keep.length === 0) return ingress;
  return {
    ...ingress,
    tables: ingress.tables.map((t) => ({
      ...t,
      chains: t.chains.map((c) => (c.name === SANDBOX.snat ? { ...c, rules: [...keep, ...c.rules] } : c)),
    })),
  };
}

/** A preserving service's task rules with the mangle chains that save and restore the ingress node. */
export function withTaskClientIp(plan: Plan, svc: MeshService, task: MeshTask, rules: TaskRules, hops: readonly ReturnHop[]): TaskRules {
  if (!preserves(svc) || hops.length === 0) return rules;
  const tag = `${svc.stack ?? plan.stack}/${svc.name}`;
  const ip32 = `${task.ip}/32`;
  const mask = hops[0]!.mask;
  const restore = ['-m', 'connmark', '!', '--mark', `0x0/${mask}`, '-j', 'CONNMARK', '--restore-mark', '--nfmask', mask, '--ctmask', mask];
  const save: Rule[] = hops.map((h) =>
    rule(
      ['!', '-s', plan.settings.ingressSubnet, '-d', ip32, '-m', 'mac', '--mac-source', h.mac, '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'CONNMARK', '--set-xmark', `${h.mark}/${mask}`],
      `${tag} client_ip via ${h.node}`,
    ),
  );
  // The packet carries the mark too, so the reverse-path filter (with src_valid_mark) checks the client against the return route.
  const inbound = [...save, rule(['-d', ip32, ...restore], `${tag} client_ip mark inbound`)];
  const outbound = [rule(['-s', ip32, ...restore], `${tag} client_ip replies to their node`)];
  const mangle = { name: 'mangle' as const, chains: [{ name: RETURN_CHAIN.in, rules: inbound }, { name: RETURN_CHAIN.out, rules: outbound }] };
  return { ...rules, rules: { tables: [mangle, ...rules.rules.tables], hooks: withReturnHooks(rules.rules.hooks) } };
}

// One array per hook set, not one per task: the renderer prints a hook set's `# hook:` lines
// once and shares their line map by the array's identity (render-rules.ts hookLines).
const returnHooks = new WeakMap<readonly Hook[], readonly Hook[]>();

function withReturnHooks(hooks: readonly Hook[]): readonly Hook[] {
  let all = returnHooks.get(hooks);
  if (all === undefined) returnHooks.set(hooks, (all = [...hooks, ...RETURN_HOOKS]));
  return all;
}
