/**
 * `x-meshc: {client_ip: preserve}` (docs/client-ip.md): what the planner can judge. The
 * return path itself (sandbox MAC, connmark, one policy route per node) is derived from
 * each node's planned ingress address, so it needs no allocation and no lock field, and it
 * addresses every node the ingress subnet holds. What it cannot carry is a service the
 * mesh does not route at all: without an ingress-mode port the option does nothing, which
 * the user should hear at the key instead of trusting it.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Service } from '../model/stack.js';

export function checkClientIp(service: Service, sink: DiagnosticSink): void {
  if (!service.clientIp) return;
  if (!service.ports.some((p) => p.mode === 'ingress')) sink.report(diag('CLIENT_IP_NO_MESH', service.clientIp.loc, service.name));
}

/** The plan's field: present only when preserving, so every other plan prints as before. */
export function planClientIp(service: Service): { clientIp?: 'preserve' } {
  return service.clientIp && service.ports.some((p) => p.mode === 'ingress') ? { clientIp: 'preserve' } : {};
}
