/**
 * Ingress network addresses, one subnet shared like Swarm's: an address per node
 * sandbox (its SNAT source), a VIP per service with ingress ports, an address per
 * task of such a service. Order: nodes by name, then per service (by name) its VIP
 * and its tasks in slot order. Network (.0), gateway (.1) and broadcast are never
 * handed out. Locked addresses are kept while they stay inside the subnet.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Service } from '../model/stack.js';
import { formatIpv4, parseCidr, parseIpv4, usableHosts, type Cidr } from './ipv4.js';
import type { Lock } from './lock.js';
import type { PlacedTask } from './place-tasks.js';
import { allocateSticky, type Claim } from './sticky-pool.js';

export interface IngressMember {
  readonly service: Service;
  readonly tasks: readonly PlacedTask[];
}

type Kind = 'nodes' | 'vips' | 'tasks';
const WHAT: Record<Kind, string> = { nodes: 'address of node', vips: 'VIP of service', tasks: 'address of task' };

/** Addresses by kind and name (the lock's `ips` shape), or undefined when the subnet is too small. */
export function allocateAddresses(
  subnet: string,
  nodes: readonly InventoryNode[],
  members: readonly IngressMember[],
  locked: Lock['ips'],
  subnetLoc: SourceLoc | undefined,
  sink: DiagnosticSink,
): Lock['ips'] | undefined {
  const cidr = parseCidr(subnet) as Cidr;
  // Claims with their kind, name and position side by side (claim i is kinds[i] names[i]):
  // a plan claims an address per task, so no per-claim object or key parsing beyond the pool's key.
  const claims: Claim[] = [];
  const kinds: Kind[] = [];
  const names: string[] = [];
  const locs: (SourceLoc | undefined)[] = [];
  const claim = (kind: Kind, name: string, loc: SourceLoc | undefined) => {
    const text = locked[kind][name];
    claims.push({ key: `${kind}\0${name}`, locked: text === undefined ? undefined : (parseIpv4(text) ?? -1) });
    kinds.push(kind);
    names.push(name);
    locs.push(loc);
  };
  for (const node of nodes) claim('nodes', node.name, node.loc);
  for (const { service, tasks } of members) {
    claim('vips', service.name, service.loc);
    for (const task of tasks) claim('tasks', task.name, service.loc);
  }
  // The default subnet was written nowhere: the error then points at what needs the addresses.
  const loc = subnetLoc ?? members[0]?.service.loc ?? nodes[0]?.loc;
  if (reportSubnetExhausted(cidr, claims.length, loc, sink)) return undefined;
  const result = allocateSticky(claims, { first: cidr.network + 2, last: cidr.network + cidr.size - 2, taken: new Set() });
  if (result.unserved > 0) {
    sink.report(diag('INGRESS_SUBNET_EXHAUSTED', loc, formatCidr(cidr), claims.length, usableHosts(cidr), suggestSubnet(cidr, claims.length)));
    return undefined;
  }
  if (result.moved.length > 0) {
    const index = new Map(claims.map((c, i) => [c.key, i]));
    for (const m of result.moved) {
      const i = index.get(m.key) as number;
      const [kind, name] = [kinds[i] as Kind, names[i] as string];
      const why = m.why === 'outside' ? `not a host address of ingress_subnet ${subnet}` : 'locked twice';
      sink.report(diag('LOCK_VALUE_REALLOCATED', locs[i], `${WHAT[kind]} '${name}'`, locked[kind][name] ?? '', formatIpv4(result.byClaim[i] ?? 0), why));
    }
  }
  // In the pool's order: the locked values it kept, then the values it served.
  const out: Record<Kind, Record<string, string>> = { nodes: {}, vips: {}, tasks: {} };
  for (const kept of [true, false]) {
    result.byClaim.forEach((value, i) => {
      if (value !== undefined && (value === (claims[i] as Claim).locked) === kept) out[kinds[i] as Kind][names[i] as string] = formatIpv4(value);
    });
  }
  return out;
}

/** Reports INGRESS_SUBNET_EXHAUSTED when `needed` addresses cannot fit in `cidr`; true when reported. */
export function reportSubnetExhausted(cidr: Cidr, needed: number, loc: SourceLoc | undefined, sink: DiagnosticSink): boolean {
  if (needed <= usableHosts(cidr)) return false;
  sink.report(diag('INGRESS_SUBNET_EXHAUSTED', loc, formatCidr(cidr), needed, usableHosts(cidr), suggestSubnet(cidr, needed)));
  return true;
}

function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.network)}/${cidr.prefix}`;
}

/** The smallest subnet, at the same network address, that holds `needed` addresses. */
function suggestSubnet(cidr: Cidr, needed: number): string {
  let prefix = cidr.prefix;
  while (prefix > 8 && 2 ** (32 - prefix) - 3 < needed) prefix--;
  const size = 2 ** (32 - prefix);
  return `${formatIpv4(Math.floor(cidr.network / size) * size)}/${prefix}`;
}
