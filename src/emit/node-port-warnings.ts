/**
 * Published ports that take over a service the node itself runs. The mesh DNATs
 * `--dst-type LOCAL`, so publishing 22/tcp redirects ssh to *every* node (the operator
 * is locked out), and 53 catches the node's own resolver stub on 127.0.0.53. Swarm's
 * own ports (2377, 7946, 4789) are errors in the front end (PORT_RESERVED).
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Protocol } from '../model/stack.js';
import type { MeshService } from './mesh-services.js';

const NODE_SERVICES: readonly { port: number; protocols: readonly Protocol[]; what: string }[] = [
  { port: 22, protocols: ['tcp'], what: 'ssh server' },
  { port: 53, protocols: ['tcp', 'udp'], what: 'DNS resolver (e.g. systemd-resolved on 127.0.0.53)' },
  { port: 2375, protocols: ['tcp'], what: 'Docker API' },
  { port: 2376, protocols: ['tcp'], what: 'Docker API (TLS)' },
];

/** One warning per (service, port, protocol). The plan carries no source positions, so none has a location. */
export function reportNodePortShadowing(services: readonly MeshService[], sink: DiagnosticSink): void {
  for (const svc of services) {
    for (const p of svc.ports) {
      const hit = NODE_SERVICES.find((n) => n.port === p.published && n.protocols.includes(p.protocol));
      if (hit) sink.report(diag('PUBLISHED_PORT_SHADOWS_NODE_SERVICE', undefined, p.published, p.protocol, svc.name, hit.what));
    }
  }
}
