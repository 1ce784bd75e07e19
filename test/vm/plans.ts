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
