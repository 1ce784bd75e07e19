/**
 * Host-mode ports bypass the mesh: each task binds the port on its own node. Two
 * tasks binding the same port and protocol on one node cannot both start; Swarm's
 * scheduler would keep one pending, meshc reports it.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Service } from '../model/stack.js';
import type { PlacedTask } from './place-tasks.js';

export function checkHostPorts(services: readonly Service[], placed: ReadonlyMap<string, readonly PlacedTask[]>, sink: DiagnosticSink): void {
  const bound = new Map<string, string>();
  for (const service of services) {
    const hostPorts = service.ports.filter((p) => p.mode === 'host' && p.published !== 0);
    for (const task of placed.get(service.name) ?? []) {
      for (const port of hostPorts) {
        const key = `${task.node}/${port.protocol}/${port.published}`;
        const other = bound.get(key);
        if (other === undefined) bound.set(key, task.name);
        else if (other !== task.name) sink.report(diag('HOST_PORT_CONFLICT', port.loc, port.published, port.protocol, task.node, task.name, other));
      }
    }
  }
}
