/**
 * Plans of the VM scenarios, built by hand on the shapes of test/kernel/sample-plans.ts
 * (nodes 192.168.56.11…, ingress 10.0.0.0/24, sandbox 172.18.0.2).
 */
import type { Plan, PlanService } from '../../src/model/plan.js';
import { SETTINGS, planNode, port, service, task } from '../kernel/sample-plans.js';

const STACK = 'web';
const nodes = [planNode('node1', 0), planNode('node2', 1), planNode('node3', 2)];

function ngx(replicas: readonly string[]): PlanService {
  const tasks = replicas.map((node, i) => task(STACK, 'ngx', i + 1, node, `10.0.0.${10 + i}`));
  return service(STACK, 'ngx', 256, '10.0.0.9', [port(8888, 80, 'tcp'), port(8888, 80, 'udp')], tasks);
}

function api(): PlanService {
  return service(STACK, 'api', 257, '10.0.0.20', [port(9000, 8080)], [task(STACK, 'api', 1, 'node3', '10.0.0.21')]);
}

function plan(services: PlanService[]): Plan {
  return { stack: STACK, settings: SETTINGS, nodes, services: [...services].sort((a, b) => a.name.localeCompare(b.name)) };
}

/** Scenario 1: `ngx` publishing 8888:80 over TCP and UDP, 2 replicas (node1, node2), 3 nodes. */
export const seed = (): Plan => plan([ngx(['node1', 'node2'])]);

/** Scenario 3: a second service, then ngx scaled up, down, and removed. */
export const lifecycle = {
  /** Variant folder names (`scaled-up`, …) as the guest scripts use them. */
  two: (): Plan => plan([ngx(['node1', 'node2']), api()]),
  scaledUp: (): Plan => plan([ngx(['node1', 'node2', 'node3']), api()]),
  scaledDown: (): Plan => plan([ngx(['node1']), api()]),
  removed: (): Plan => plan([api()]),
};

/**
 * Scenario 2 as a plan, the shape test/vm/stacks/multi.yml compiles to: tcp, udp, a port
 * range, a dynamic port (30000) and a global host-mode service with no mesh at all.
 */
export function multi(): Plan {
  const s = 'multi';
  const on = (svc: string, nodeNames: string[], firstIp: number) =>
    nodeNames.map((n, i) => task(s, svc, i + 1, n, `10.0.0.${firstIp + i}`));
  const dynamic = { ...port(30000, 8000), dynamic: true };
  const agentTasks = nodes.map((n) => ({ name: `${s}_agent.${n.name}`, slot: null, node: n.name, ip: null }));
  const services: PlanService[] = [
    service(s, 'agent', null, null, [port(8125, 8125, 'tcp', 'host')], agentTasks),
    service(s, 'dns', 256, '10.0.0.10', [port(5353, 53, 'udp')], on('dns', ['node2', 'node3'], 11)),
    service(s, 'dyn', 257, '10.0.0.13', [dynamic], on('dyn', ['node3'], 14)),
    service(s, 'range', 258, '10.0.0.15', [port(9001, 7001), port(9002, 7002), port(9003, 7003)], on('range', ['node1', 'node2'], 16)),
    service(s, 'web', 259, '10.0.0.18', [port(8080, 80)], on('web', ['node1', 'node2', 'node3'], 19)),
  ];
  return { stack: s, settings: SETTINGS, nodes, services };
}

/**
 * The measurement: one node publishing `services × portsPerService` TCP ports (all to
 * target 80), one task per service on the node.
 */
export function published(services: number, portsPerService: number): Plan {
  const s = 'big';
  const one = [planNode('node1', 0)];
  const list: PlanService[] = [];
  for (let i = 0; i < services; i++) {
    const name = `svc${String(i).padStart(2, '0')}`;
    const ports = Array.from({ length: portsPerService }, (_, j) => port(20000 + i * portsPerService + j, 80));
    const ip = (n: number) => `10.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
    list.push(service(s, name, 256 + i, ip(10 + 2 * i), ports, [task(s, name, 1, 'node1', ip(11 + 2 * i))]));
  }
  return { stack: s, settings: SETTINGS, nodes: one, services: list };
}
