/**
 * The slice of the plan the mesh acts on: services with ingress-mode ports and at
 * least one task. Host-mode ports are ordinary per-node port bindings and get no mesh
 * rules; a service with no task gets none either (Swarm programs a service's rules
 * when its first backend appears and removes them with its last).
 */
import type { Plan, PlanService } from '../model/plan.js';
import type { Protocol } from '../model/stack.js';
import type { Rule } from '../model/rules.js';

export interface MeshPort {
  readonly published: number;
  readonly target: number;
  readonly protocol: Protocol;
}

export interface MeshTask {
  readonly name: string;
  readonly node: string;
  readonly ip: string;
}

export interface MeshService {
  readonly name: string;
  /** The service's stack in a cluster's plan (rule comments name `stack/service`). */
  readonly stack?: string;
  readonly fwmark: number;
  readonly vip: string;
  readonly ports: readonly MeshPort[];
  readonly tasks: readonly MeshTask[];
  /** `preserve`: no SNAT, replies routed back by node (src/emit/client-ip.ts). */
  readonly clientIp?: 'preserve';
}

/** Services in plan order (by name); throws on a plan the planner should never produce. */
export function meshServices(plan: Plan): MeshService[] {
  const out: MeshService[] = [];
  for (const svc of plan.services) {
    const ports = ingressPorts(svc);
    if (ports.length === 0 || svc.tasks.length === 0) continue;
    if (svc.fwmark === null || svc.vip === null) throw internal(svc, 'has ingress ports but no fwmark or VIP');
    const tasks = svc.tasks.map((t): MeshTask => {
      if (t.ip === null) throw internal(svc, `task ${t.name} has no ingress address`);
      return { name: t.name, node: t.node, ip: t.ip };
    });
    out.push({ name: svc.name, ...(svc.stack !== undefined ? { stack: svc.stack } : {}), fwmark: svc.fwmark, vip: svc.vip, ports, tasks, ...(svc.clientIp ? { clientIp: svc.clientIp } : {}) });
  }
  return out;
}

/** Ingress ports, each (published, protocol) once: a second copy could only come from a planner bug. */
function ingressPorts(svc: PlanService): MeshPort[] {
  const seen = new Set<string>();
  const out: MeshPort[] = [];
  for (const p of svc.ports) {
    const key = `${p.published}/${p.protocol}`;
    if (p.mode !== 'ingress' || seen.has(key)) continue;
    seen.add(key);
    out.push({ published: p.published, target: p.target, protocol: p.protocol });
  }
  return out;
}

function internal(svc: PlanService, what: string): Error {
  return new Error(`internal: plan service ${svc.name} ${what}`);
}

/** `-p tcp -m tcp`: the explicit match iptables-save prints anyway, so saved and emitted rules compare equal. */
export function proto(p: Protocol): string[] {
  return ['-p', p, '-m', p];
}

export function rule(args: readonly string[], comment: string): Rule {
  return { args, comment };
}

/** The comment every per-port rule carries: `<stack>/<service> <published>/<protocol>`. */
export function portComment(plan: Plan, svc: MeshService, port: MeshPort): string {
  return `${svc.stack ?? plan.stack}/${svc.name} ${port.published}/${port.protocol}`;
}
