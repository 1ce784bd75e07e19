/**
 * A published port two stacks both claim: Swarm's allocator (swarmkit
 * manager/controlapi/service.go, checkPortConflicts) refuses the second stack's service
 * with "port '80' is already in use by service 'proxy_traefik' (…) as an ingress port".
 * The operator may fix either file, so meshc reports the conflict at both places, each
 * naming the other service by its full name. Within one stack the front end already
 * reports it (normalize/port-checks.ts).
 */
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { PortSpec } from '../model/stack.js';
import type { PlanMember } from '../plan/build-plan.js';

interface Owner {
  readonly member: PlanMember;
  readonly port: PortSpec;
}

export function checkCrossStackPorts(members: readonly PlanMember[], sink: DiagnosticSink): void {
  const owners = new Map<string, Owner>();
  const reported = new Set<Owner>();
  for (const member of members) {
    for (const port of member.service.ports) {
      if (port.published === 0) continue;
      const key = `${port.protocol}:${port.published}`;
      const owner = owners.get(key);
      if (!owner) {
        owners.set(key, { member, port });
        continue;
      }
      // Host-mode ports of two stacks may share a number (each task binds its own node);
      // check-host-ports.ts finds two on one node. Ingress ports own the number cluster-wide.
      if (owner.member.stack === member.stack || (owner.port.mode === 'host' && port.mode === 'host')) continue;
      const name = (m: PlanMember) => m.keyed.name;
      sink.report(diagWithNotes('PORT_CONFLICT', port.loc, [{ message: `published by service '${name(owner.member)}' here`, loc: owner.port.loc }], port.published, port.protocol, name(owner.member), owner.port.mode));
      if (!reported.has(owner)) {
        reported.add(owner);
        sink.report(diagWithNotes('PORT_CONFLICT', owner.port.loc, [{ message: `published by service '${name(member)}' here`, loc: port.loc }], port.published, port.protocol, name(member), port.mode));
      }
    }
  }
}
