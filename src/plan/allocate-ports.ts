/**
 * Published ports, one space per protocol (tcp, udp and sctp never conflict), as
 * swarmkit's port allocator: explicit ports are reserved first, then each dynamic
 * ingress port (published 0) gets one from the dynamic range, next-fit. meshc's
 * order is documented and fixed: services by name, ports in the stack's port order.
 * Locked dynamic ports are kept; host-mode ports are never allocated.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { PlanPort } from '../model/plan.js';
import type { PortSpec, Protocol, Service } from '../model/stack.js';
import type { Lock } from './lock.js';
import { notDynamic } from './reserved-ports.js';
import { allocateSticky, type Claim } from './sticky-pool.js';

export interface PortAllocation {
  readonly ports: ReadonlyMap<string, readonly PlanPort[]>;
  readonly lock: Lock['ports'];
}

interface Owner {
  readonly service: string;
  readonly mode: PortSpec['mode'];
  readonly loc: SourceLoc;
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

/** Ports the cluster and the node itself listen on (reserved-ports.ts): never handed out. */
export function infrastructurePorts(vxlanPort: number): readonly string[] {
  return notDynamic(vxlanPort);
}

export function allocatePorts(
  services: readonly Service[],
  range: readonly [number, number],
  locked: Lock['ports'],
  reserved: readonly string[],
  sink: DiagnosticSink,
): PortAllocation | undefined {
  const before = sink.errorCount;
  const explicit = reserveExplicit(services, sink);
  // Each service's ports with their lock keys, once (every protocol's pass reads them).
  const keyed = services.map(dynamicKeys);
  const dynamic = new Map<string, number>();
  for (const protocol of PROTOCOLS) {
    const taken = new Set<number>();
    const prefix = `${protocol}:`;
    const take = (k: string) => {
      if (k.startsWith(prefix)) taken.add(Number(k.slice(prefix.length)));
    };
    explicit.forEach((_owner, k) => take(k));
    reserved.forEach(take);
    allocateProtocol(services, keyed, protocol, range, taken, locked, sink).forEach((v, k) => dynamic.set(k, v));
  }
  if (sink.errorCount !== before) return undefined;
  const ports = new Map<string, PlanPort[]>();
  const lock: Record<string, Record<string, number[]>> = {};
  for (let s = 0; s < services.length; s++) {
    const service = services[s] as Service;
    ports.set(
      service.name,
      (keyed[s] as KeyedPort[]).map(({ port, key }) => {
        const published = key === undefined ? port.published : (dynamic.get(key) ?? 0);
        if (key !== undefined) ((lock[service.name] ??= {})[`${port.target}/${port.protocol}`] ??= []).push(published);
        return { published, target: port.target, protocol: port.protocol, mode: port.mode, dynamic: key !== undefined };
      }),
    );
  }
  return { ports, lock };
}

interface KeyedPort {
  readonly port: PortSpec;
  /** The lock key of a dynamic ingress port; absent for the others. */
  readonly key?: string;
}

/** Every port of a service, with the lock key of the dynamic ingress ones (`svc␀80/tcp␀0`). */
function dynamicKeys(service: Service): KeyedPort[] {
  // Made on the first dynamic port: most services publish theirs explicitly.
  let seen: Map<string, number> | undefined;
  return service.ports.map((port) => {
    if (port.published !== 0 || port.mode !== 'ingress') return { port };
    seen ??= new Map();
    const group = `${port.target}/${port.protocol}`;
    const index = seen.get(group) ?? 0;
    seen.set(group, index + 1);
    return { port, key: `${service.name}\0${group}\0${index}` };
  });
}

/** Explicit published ports by `proto:port`; an ingress port used by two services is Swarm's conflict. */
function reserveExplicit(services: readonly Service[], sink: DiagnosticSink): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const service of services) {
    for (const port of service.ports) {
      if (port.published === 0) continue;
      const key = `${port.protocol}:${port.published}`;
      const owner = owners.get(key);
      if (!owner) owners.set(key, { service: service.name, mode: port.mode, loc: port.loc });
      else if (owner.service !== service.name && (owner.mode === 'ingress' || port.mode === 'ingress')) {
        const notes = [{ message: `published by service '${owner.service}' here`, loc: owner.loc }];
        sink.report(diagWithNotes('PORT_CONFLICT', port.loc, notes, port.published, port.protocol, owner.service, owner.mode));
      }
    }
  }
  return owners;
}

function allocateProtocol(
  services: readonly Service[],
  keyed: readonly (readonly KeyedPort[])[],
  protocol: Protocol,
  [first, last]: readonly [number, number],
  taken: ReadonlySet<number>,
  locked: Lock['ports'],
  sink: DiagnosticSink,
): ReadonlyMap<string, number> {
  const claims: Claim[] = [];
  const where = new Map<string, { service: string; port: PortSpec }>();
  for (let s = 0; s < services.length; s++) {
    const service = services[s] as Service;
    const list = keyed[s] as KeyedPort[];
    for (let i = 0; i < list.length; i++) {
      const { port, key } = list[i] as KeyedPort;
      if (key === undefined || port.protocol !== protocol) continue;
      const index = Number(key.split('\0')[2]);
      claims.push({ key, locked: locked[service.name]?.[`${port.target}/${protocol}`]?.[index] });
      where.set(key, { service: service.name, port });
    }
  }
  const result = allocateSticky(claims, { first, last, taken });
  for (const m of result.moved) {
    const w = where.get(m.key);
    const why = m.why === 'outside' ? `outside dynamic_port_range ${first}-${last}` : 'now published explicitly, reserved, or locked twice';
    const next = result.values.get(m.key);
    if (w && next !== undefined) sink.report(diag('LOCK_VALUE_REALLOCATED', w.port.loc, `dynamic port ${w.port.target}/${protocol} of service '${w.service}'`, String(m.old), String(next), why));
  }
  if (result.unserved > 0) {
    const firstUnserved = claims.find((c) => !result.values.has(c.key));
    const loc = firstUnserved ? where.get(firstUnserved.key)?.port.loc : undefined;
    sink.report(diag('DYNAMIC_PORTS_EXHAUSTED', loc, protocol, `${first}-${last}`, result.needed, result.free));
  }
  return result.values;
}
