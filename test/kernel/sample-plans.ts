/**
 * Hand-built plans for the emitter's unit tests and the kernel suite: they do not
 * depend on the front end or the planner, so the emitters can be proven on their own.
 * Addresses follow Swarm's defaults (ingress 10.0.0.0/24, sandbox 172.18.0.2).
 */
import type { NetworkSettings, Plan, PlanNode, PlanPort, PlanService, PlanTask } from '../../src/model/plan.js';
import type { Protocol, PublishMode } from '../../src/model/stack.js';

export const SETTINGS: NetworkSettings = {
  ingressSubnet: '10.0.0.0/24',
  gatewaySubnet: '172.18.0.0/16',
  hostBridge: 'docker_gwbridge',
  hostBridgeIp: '172.18.0.1',
  sandboxGatewayIp: '172.18.0.2',
  vni: 4096,
  vxlanPort: 4789,
  fwmarkBase: 256,
  dynamicPortRange: [30000, 32767],
  dataplane: 'ipvs',
};

export function planNode(name: string, index: number): PlanNode {
  return { name, address: `192.168.56.${11 + index}`, role: index === 0 ? 'manager' : 'worker', labels: {}, ingressIp: `10.0.0.${2 + index}` };
}

export function port(published: number, target: number, protocol: Protocol = 'tcp', mode: PublishMode = 'ingress'): PlanPort {
  return { published, target, protocol, mode, dynamic: false };
}

export function task(stack: string, service: string, slot: number, node: string, ip: string | null): PlanTask {
  return { name: `${stack}_${service}.${slot}`, slot, node, ip };
}

export function service(stack: string, name: string, fwmark: number | null, vip: string | null, ports: PlanPort[], tasks: PlanTask[]): PlanService {
  return { name, fullName: `${stack}_${name}`, fwmark, vip, endpointMode: 'vip', ports, tasks, health: null };
}

/** The seed stack: `ngx` publishing 8888:80, one replica per node. */
export function seedPlan(nodeCount: number): Plan {
  const nodes = Array.from({ length: nodeCount }, (_, i) => planNode(`node${i + 1}`, i));
  const tasks = nodes.map((n, i) => task('web', 'ngx', i + 1, n.name, `10.0.0.${10 + i}`));
  return { stack: 'web', settings: SETTINGS, nodes, services: [service('web', 'ngx', 256, '10.0.0.9', [port(8888, 80)], tasks)] };
}

/** tcp, udp and sctp; a host-mode port; a service without ports; a service with no tasks; two ports on one target. */
export function mixedPlan(): Plan {
  const nodes = [planNode('alpha', 0), planNode('beta', 1)];
  const s = 'mix';
  const services = [
    service(s, 'api', 256, '10.0.0.20', [port(8080, 80), port(8443, 443), port(9090, 80)], [
      task(s, 'api', 1, 'alpha', '10.0.0.22'),
      task(s, 'api', 2, 'beta', '10.0.0.21'),
    ]),
    service(s, 'dns', 257, '10.0.0.23', [port(5353, 53, 'udp'), port(5353, 53, 'tcp')], [task(s, 'dns', 1, 'beta', '10.0.0.24')]),
    service(s, 'hostonly', null, null, [port(9000, 9000, 'tcp', 'host')], [task(s, 'hostonly', 1, 'alpha', null)]),
    service(s, 'idle', 258, '10.0.0.25', [port(7000, 7000)], []),
    service(s, 'sig', 259, '10.0.0.26', [port(3868, 3868, 'sctp'), port(9100, 9100, 'tcp', 'host')], [task(s, 'sig', 1, 'alpha', '10.0.0.27')]),
    service(s, 'worker', null, null, [], [task(s, 'worker', 1, 'beta', null)]),
  ];
  return { stack: s, settings: SETTINGS, nodes, services };
}
