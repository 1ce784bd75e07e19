/**
 * The nftables dataplane's emitter: the same mesh as the iptables + IPVS emitters
 * (src/emit/*.ts), from the same plan slice (meshServices), as three kinds of table.
 *
 * Host (`inet meshc_host`): every published (protocol, port) is an element of one set;
 * one rule per NAT hook DNATs a local-destination packet whose `meta l4proto . th dport`
 * is in the set to the sandbox, port unchanged, as the iptables dataplane's
 * MESHC-INGRESS does per port. PREROUTING serves remote clients, OUTPUT node-local
 * ones; POSTROUTING masquerades node-local clients towards the sandbox (their source
 * would otherwise be the loopback or an address the sandbox cannot route back to).
 *
 * Sandbox (`inet meshc_ingress`, replacing IPVS): a verdict map from published
 * (protocol, port) and one from service VIP jump to the service's chain; that chain
 * DNATs to `numgen inc mod N map { slot : task }`, a round robin with its own counter
 * per service, like IPVS's rr scheduler. Only a connection's first packet passes the
 * nat hooks; conntrack keeps the rest on the chosen backend. Traffic DNATed here
 * leaves SNATed to the sandbox's ingress address, as Swarm's `-m ipvs --ipvs` SNAT does.
 *
 * Task (`inet meshc_task`): REDIRECT published → target from one map per protocol,
 * accept the target ports, drop the rest addressed to the task, as src/emit/task-rules.ts.
 */
import type { Plan, PlanNode } from '../../model/plan.js';
import { compareIpv4 } from '../ipv4-order.js';
import { meshServices, type MeshService, type MeshTask } from '../mesh-services.js';
import { preserves, returnHops } from '../client-ip.js';
import { withIngressClientIp, withTaskClientIp } from './client-ip.js';
import { NFT_TABLE, type NftBackendPick, type NftChain, type NftNodeRuleSet, type NftRule, type NftRuleSets, type NftTable, type NftTaskTable } from './model.js';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;

export function emitNftRuleSets(plan: Plan): NftRuleSets {
  const services = meshServices(plan);
  const host = hostTable(plan, services);
  const picks = services.map(backendPick);
  const tasksByNode = new Map<string, NftTaskTable[]>();
  const hops = services.some(preserves) ? returnHops(plan) : [];
  for (const svc of services) {
    for (const task of svc.tasks) {
      if (!plan.nodes.some((n) => n.name === task.node)) throw new Error(`internal: plan places a task on unknown node ${task.node}`);
      const list = tasksByNode.get(task.node) ?? [];
      const t = taskTable(plan, svc, task);
      list.push({ ...t, table: withTaskClientIp(plan, svc, task, t.table, hops) });
      tasksByNode.set(task.node, list);
    }
  }
  const ingress = ingressParts(plan, services, picks);
  const nodes = plan.nodes.map(
    (node): NftNodeRuleSet => ({
      node: node.name,
      host,
      ingress: withIngressClientIp(plan, services, ingressTable(plan, node, ingress)),
      picks,
      tasks: (tasksByNode.get(node.name) ?? []).sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0)),
    }),
  );
  return { nodes };
}

/** The service chain's name: the plan's per-service number (its fwmark on the IPVS dataplane), stable across compiles. */
export function serviceChain(svc: { fwmark: number }): string {
  return `svc_${svc.fwmark}`;
}

const rule = (tokens: readonly string[], comment: string): NftRule => ({ tokens, comment });

function hostTable(plan: Plan, services: readonly MeshService[]): NftTable {
  const { sandboxGatewayIp: sbox, hostBridge } = plan.settings;
  const published = services.flatMap((svc) => svc.ports.map((p) => ({ key: [p.protocol, String(p.published)] })));
  // `fib daddr type local`: Docker's DOCKER-INGRESS jump matches every local address, loopback included.
  const dnat = ['fib', 'daddr', 'type', 'local', 'meta', 'l4proto', '.', 'th', 'dport', '@published', 'dnat', 'ip', 'to', sbox];
  return {
    family: 'inet',
    name: NFT_TABLE.host,
    comment: `meshc ${plan.stack} host`,
    sets: [{ kind: 'set', name: 'published', type: 'inet_proto . inet_service', elements: published }],
    chains: [
      { name: 'prerouting', base: { type: 'nat', hook: 'prerouting', priority: 'dstnat' }, rules: [rule(dnat, `${plan.stack} published ports`)] },
      // dstnat is not a valid name at the output hook in nft 1.0.6; -100 is its value.
      { name: 'output', base: { type: 'nat', hook: 'output', priority: '-100' }, rules: [rule(dnat, `${plan.stack} published ports, node-local clients`)] },
      {
        name: 'postrouting',
        base: { type: 'nat', hook: 'postrouting', priority: 'srcnat' },
        rules: [rule(['oifname', `"${hostBridge}"`, 'ip', 'daddr', sbox, 'fib', 'saddr', 'type', 'local', 'masquerade'], `${plan.stack} host-local clients`)],
      },
    ],
  };
}

function backendPick(svc: MeshService): NftBackendPick {
  const backends = [...svc.tasks].sort((a, b) => compareIpv4(a.ip, b.ip)).map((t) => ({ ip: t.ip, task: t.name }));
  const protocols = PROTOCOLS.filter((p) => svc.ports.some((port) => port.protocol === p));
  return { service: svc.name, chain: serviceChain(svc), backends, protocols };
}

/** The round-robin DNAT of one service (the health agent prints the same words for its healthy subset). */
export function pickTokens(ips: readonly string[]): string[] {
  if (ips.length === 0) return [];
  const slots = ips.map((ip, i) => `${i} : ${ip}`).join(', ');
  return ['dnat', 'ip', 'to', 'numgen', 'inc', 'mod', String(ips.length), 'map', `{ ${slots} }`];
}

/**
 * The sandbox table's parts that do not depend on the node (the maps and every service
 * chain), built once: every node's table holds these same objects, so the renderer prints
 * them once and writes them once to the shared folder (docs/runner.md, "The shared folder").
 */
interface IngressParts {
  readonly sets: NftTable['sets'];
  readonly prerouting: NftChain;
  readonly serviceChains: readonly NftChain[];
}

function ingressParts(plan: Plan, services: readonly MeshService[], picks: readonly NftBackendPick[]): IngressParts {
  const ports = services.flatMap((svc) => svc.ports.map((p) => ({ key: [p.protocol, String(p.published)], value: `goto ${serviceChain(svc)}` })));
  const vips = services.map((svc) => ({ key: [svc.vip], value: `goto ${serviceChain(svc)}` }));
  const serviceChains = services.map((svc, i): NftChain => {
    const pick = picks[i]!;
    const tokens = pickTokens(pick.backends.map((b) => b.ip));
    return { name: pick.chain, comment: `${plan.stack}/${svc.name}`, rules: [rule(tokens, `${plan.stack}/${svc.name} round robin`)] };
  });
  return {
    sets: [
      { kind: 'map', name: 'ports', type: 'inet_proto . inet_service : verdict', elements: ports },
      { kind: 'map', name: 'vips', type: 'ipv4_addr : verdict', elements: vips },
    ],
    prerouting: {
      name: 'prerouting',
      base: { type: 'nat', hook: 'prerouting', priority: 'dstnat' },
      rules: [
        // IPVS sees only packets for the sandbox itself (it hooks LOCAL_IN): the host's DNAT target.
        rule(['fib', 'daddr', 'type', 'local', 'meta', 'l4proto', '.', 'th', 'dport', 'vmap', '@ports'], `${plan.stack} published ports`),
        rule(['ip', 'daddr', 'vmap', '@vips'], `${plan.stack} service VIPs`),
      ],
    },
    serviceChains,
  };
}

function ingressTable(plan: Plan, node: PlanNode, parts: IngressParts): NftTable {
  return {
    family: 'inet',
    name: NFT_TABLE.ingress,
    comment: `meshc ${plan.stack} ingress sandbox`,
    sets: parts.sets,
    chains: [
      parts.prerouting,
      {
        name: 'postrouting',
        base: { type: 'nat', hook: 'postrouting', priority: 'srcnat' },
        rules: [rule(['ip', 'daddr', plan.settings.ingressSubnet, 'ct', 'status', 'dnat', 'snat', 'ip', 'to', node.ingressIp], `${plan.stack} mesh to ingress network`)],
      },
      ...parts.serviceChains,
    ],
  };
}

function taskTable(plan: Plan, svc: MeshService, task: MeshTask): NftTaskTable {
  const tag = `${plan.stack}/${svc.name}`;
  const ip = task.ip;
  const redirectMaps = PROTOCOLS.map((p) => ({
    kind: 'map' as const,
    name: `redirect_${p}`,
    type: 'inet_service : inet_service',
    elements: svc.ports.filter((port) => port.protocol === p).map((port) => ({ key: [String(port.published)], value: String(port.target) })),
  }));
  const targets = new Map<string, readonly string[]>();
  for (const p of svc.ports) targets.set(`${p.protocol}/${p.target}`, [p.protocol, String(p.target)]);
  const all = ['meta', 'l4proto', '{', 'tcp,', 'udp,', 'sctp', '}'];
  const table: NftTable = {
    family: 'inet',
    name: NFT_TABLE.task,
    comment: `meshc ${tag} task ${task.name}`,
    sets: [...redirectMaps, { kind: 'set', name: 'targets', type: 'inet_proto . inet_service', elements: [...targets.values()].map((key) => ({ key })) }],
    chains: [
      {
        name: 'prerouting',
        base: { type: 'nat', hook: 'prerouting', priority: 'dstnat' },
        rules: PROTOCOLS.map((p) => rule(['ip', 'daddr', ip, 'meta', 'l4proto', p, 'redirect', 'to', `:${p}`, 'dport', 'map', `@redirect_${p}`], `${tag} published to target ${p}`)),
      },
      {
        name: 'input',
        base: { type: 'filter', hook: 'input', priority: 'filter' },
        rules: [
          rule(['ip', 'daddr', ip, 'meta', 'l4proto', '.', 'th', 'dport', '@targets', 'ct', 'state', 'established,new', 'accept'], `${tag} target ports`),
          rule(['ip', 'daddr', ip, ...all, 'drop'], `${tag} other ports`),
        ],
      },
      {
        name: 'output',
        base: { type: 'filter', hook: 'output', priority: 'filter' },
        rules: [
          rule(['ip', 'saddr', ip, 'meta', 'l4proto', '.', 'th', 'sport', '@targets', 'ct', 'state', 'established', 'accept'], `${tag} target ports`),
          rule(['ip', 'saddr', ip, ...all, 'drop'], `${tag} other ports`),
        ],
      },
    ],
  };
  return { task: task.name, service: svc.name, ip, table };
}

