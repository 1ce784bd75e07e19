/** Builders for planner tests: NormalizedStack and Inventory values without the front end. */
import type { SourceLoc } from '../../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../../model/inventory.js';
import type { Constraint, NormalizedStack, PortSpec, Service, StackSettings } from '../../model/stack.js';
import type { Lock } from '../lock.js';

export const loc = (line = 1, col = 1): SourceLoc => ({ file: 'stack.yml', line, col });

/** `8888:80`, `80` (dynamic), `53:53/udp`, `host:8080:80`, `host:80` … */
export function port(spec: string): PortSpec {
  const host = spec.startsWith('host:');
  const [body = '', proto = 'tcp'] = spec.replace(/^host:/, '').split('/');
  const parts = body.split(':').map(Number);
  const target = parts[parts.length - 1] ?? 0;
  const published = parts.length > 1 ? (parts[0] ?? 0) : 0;
  return { target, published, protocol: proto as PortSpec['protocol'], mode: host ? 'host' : 'ingress', loc: loc() };
}

export function constraint(raw: string): Constraint {
  const match = /^\s*(.+?)\s*(==|!=)\s*(.+?)\s*$/.exec(raw);
  if (!match) throw new Error(`bad constraint in test: ${raw}`);
  return { key: match[1] ?? '', op: match[2] as '==' | '!=', value: match[3] ?? '', raw, loc: loc(9, 9) };
}

export interface SvcOptions {
  readonly replicas?: number;
  readonly global?: boolean;
  readonly ports?: readonly string[];
  readonly constraints?: readonly string[];
  readonly spread?: readonly string[];
  readonly maxReplicasPerNode?: number;
  readonly extra?: Partial<Service>;
}

export function svc(name: string, o: SvcOptions = {}): Service {
  return {
    name,
    image: 'nginx',
    mode: o.global ? 'global' : 'replicated',
    ...(o.global ? {} : { replicas: o.replicas ?? 1 }),
    endpointMode: 'vip',
    ports: (o.ports ?? []).map(port),
    placement: {
      constraints: (o.constraints ?? []).map(constraint),
      spread: (o.spread ?? []).map((descriptor) => ({ descriptor, loc: loc() })),
      ...(o.maxReplicasPerNode === undefined ? {} : { maxReplicasPerNode: o.maxReplicasPerNode }),
    },
    loc: loc(),
    ...o.extra,
  };
}

export function stackOf(services: readonly Service[], settings: StackSettings = {}, name = 'st'): NormalizedStack {
  return { name, files: ['stack.yml'], services, settings };
}

export function node(name: string, o: Partial<InventoryNode> = {}): InventoryNode {
  const n = Number(/[0-9]+$/.exec(name)?.[0] ?? 1);
  return { name, address: `192.168.0.${n}`, role: 'worker', labels: {}, engineLabels: {}, ...o };
}

export function inventoryOf(nodes: readonly InventoryNode[], settings: Inventory['settings'] = {}): Inventory {
  return { source: 'inventory.yml', nodes, settings };
}

/** Node names `node1..nodeN`. */
export function cluster(n: number): InventoryNode[] {
  return Array.from({ length: n }, (_, i) => node(`node${i + 1}`, { role: i === 0 ? 'manager' : 'worker' }));
}

/** A lock with every kind of allocation, its keys deliberately out of order (lock writer and reader tests). */
export const SAMPLE_LOCK: Lock = {
  version: 1,
  ports: { web: { '80/tcp': [30001, 30000] } },
  fwmarks: { web: 256, api: 257 },
  ips: { nodes: { n2: '10.0.0.3', n1: '10.0.0.2' }, vips: { web: '10.0.0.4' }, tasks: { 'st_web.1': '10.0.0.5' } },
  placement: { 'st_web.2': 'n1', 'st_web.10': 'n2', 'st_web.1': 'n2' },
};
