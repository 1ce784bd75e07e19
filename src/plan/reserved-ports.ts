/**
 * Ports a node itself needs, checked against the settings in force (CLI > inventory >
 * x-meshc > defaults), so they follow whatever the settings move: with vxlan_port 8080,
 * 8080/udp is the overlay's own traffic and 4789/udp is free. This runs in the planner,
 * not in normalize, because only the planner knows the inventory's and the CLI's settings.
 *  - The cluster's ports (Swarm: manager 2377/tcp, gossip 7946/tcp+udp, VXLAN/udp) may
 *    never be published (PORT_RESERVED) nor handed out as dynamic ports.
 *  - Ports of services the node runs itself (ssh 22, DNS 53, the Docker API 2375-2376)
 *    are never handed out as dynamic ports either: the mesh DNATs `--dst-type LOCAL`,
 *    so a dynamic range set to cover 22 would silently take over ssh on every node.
 *    Publishing them explicitly stays a warning (normalize/port-checks.ts).
 */
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Protocol, Service } from '../model/stack.js';
import { settingName, type ResolvedSettings } from './settings.js';

interface Reserved {
  readonly what: string;
  /** The setting that moves it, when one does. */
  readonly setting?: 'vxlanPort';
}

/** `proto:port` → what the cluster uses it for. */
export function clusterPorts(vxlanPort: number): ReadonlyMap<string, Reserved> {
  return new Map<string, Reserved>([
    ['tcp:2377', { what: 'cluster management' }],
    ['tcp:7946', { what: 'node gossip' }],
    ['udp:7946', { what: 'node gossip' }],
    [`udp:${vxlanPort}`, { what: 'VXLAN data path', setting: 'vxlanPort' }],
  ]);
}

/** Ports of the node's own services, on every protocol: dynamic allocation skips them. */
export const NODE_SERVICE_PORTS: readonly number[] = [22, 53, 2375, 2376];

/** Every `proto:port` the dynamic allocator must skip. */
export function notDynamic(vxlanPort: number): readonly string[] {
  const own = (['tcp', 'udp', 'sctp'] as const satisfies readonly Protocol[]).flatMap((p) => NODE_SERVICE_PORTS.map((n) => `${p}:${n}`));
  return [...clusterPorts(vxlanPort).keys(), ...own];
}

/** PORT_RESERVED for every explicitly published cluster port, with where the moving setting was written. */
export function checkReservedPorts(services: readonly Service[], resolved: ResolvedSettings, sink: DiagnosticSink): void {
  const reserved = clusterPorts(resolved.values.vxlanPort);
  for (const service of services) {
    for (const port of service.ports) {
      if (port.published === 0) continue;
      const hit = reserved.get(`${port.protocol}:${port.published}`);
      if (!hit) continue;
      const at = hit.setting && resolved.locate(hit.setting);
      const notes = hit.setting ? [{ message: `${settingName(hit.setting)} is ${resolved.values[hit.setting]}${at ? ', set here' : ''}`, loc: at }] : [];
      sink.report(diagWithNotes('PORT_RESERVED', port.loc, notes, port.published, port.protocol, hit.what));
    }
  }
}
