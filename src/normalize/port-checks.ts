/**
 * Swarm's API-time port checks (swarmkit `validateEndpointSpec`, `checkPortConflicts`),
 * all reported in one run with the first claimant as a related note, plus a check
 * Swarm lacks: an ingress port that takes over a service the node itself runs is a
 * warning. (Publishing the cluster's own ports is refused by the planner,
 * plan/reserved-ports.ts, which knows the VXLAN port the inventory or CLI set.) The mesh DNATs `--dst-type LOCAL`, so publishing 22/tcp redirects ssh on
 * *every* node (the operator is locked out), and 53 catches the node's own resolver stub
 * on 127.0.0.53.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { PortSpec, Service } from '../model/stack.js';

type Claim = { readonly service: string; readonly port: PortSpec };

const NODE_SERVICES: ReadonlyMap<string, string> = new Map([
  ['22/tcp', 'ssh server'],
  ['53/tcp', 'DNS resolver (e.g. systemd-resolved on 127.0.0.53)'],
  ['53/udp', 'DNS resolver (e.g. systemd-resolved on 127.0.0.53)'],
  ['2375/tcp', 'Docker API'],
  ['2376/tcp', 'Docker API (TLS)'],
]);

/** Within one service: dnsrr with ingress ports, duplicate (published, protocol). */
export function checkServicePorts(service: Service, sink: DiagnosticSink): void {
  const firstIngress = service.ports.find((p) => p.mode === 'ingress');
  if (service.endpointMode === 'dnsrr' && firstIngress) sink.report(diag('DNSRR_INGRESS_PORT', firstIngress.loc, service.name));
  const seen = new Map<string, PortSpec>();
  for (const p of service.ports) {
    if (p.published === 0) continue;
    const key = `${p.published}/${p.protocol}`;
    const first = seen.get(key);
    if (first) sink.report(diagWithNotes('PORT_DUPLICATE', p.loc, [{ message: 'first published here', loc: first.loc }], p.published, p.protocol));
    else seen.set(key, p);
  }
}

/** Across services: ingress conflicts with anything, host with host is the scheduler's business. */
export function checkPortConflicts(services: readonly Service[], sink: DiagnosticSink): void {
  const ingress = new Map<string, Claim>();
  const host = new Map<string, Claim>();
  for (const service of services) {
    for (const port of service.ports) {
      if (port.published === 0) continue;
      const key = `${port.published}/${port.protocol}`;
      const shadowed = port.mode === 'ingress' ? NODE_SERVICES.get(key) : undefined;
      if (shadowed) sink.report(diag('PUBLISHED_PORT_SHADOWS_NODE_SERVICE', port.loc, port.published, port.protocol, service.name, shadowed));
      const other = ingress.get(key) ?? (port.mode === 'ingress' ? host.get(key) : undefined);
      if (other && other.service !== service.name) {
        const note = { message: `${other.service} publishes it here`, loc: other.port.loc };
        sink.report(diagWithNotes('PORT_CONFLICT', port.loc, [note], port.published, port.protocol, other.service, other.port.mode));
        continue;
      }
      const claims = port.mode === 'ingress' ? ingress : host;
      if (!claims.has(key)) claims.set(key, { service: service.name, port });
    }
  }
}
