/**
 * Hand-built plans with health definitions for the health agent's tests (unit, netns and
 * VM): they do not depend on the front end or the planner.
 */
import type { Plan, PlanHealth } from '../../src/model/plan.js';
import type { NodeRuleSet } from '../../src/model/rules.js';
import { SETTINGS, planNode, port, service, task } from '../kernel/sample-plans.js';

export const FAST: Pick<PlanHealth, 'intervalMs' | 'timeoutMs' | 'retries' | 'startPeriodMs'> = {
  intervalMs: 1000,
  timeoutMs: 700,
  retries: 2,
  startPeriodMs: 0,
};

/**
 * Stack `hc` on node1/node2: `web` (tcp 8080→80, HTTP check of /health), `dns` (udp 5353→53
 * plus tcp 5380→8080, TCP check of 8080: UDP cannot be probed generically), `job` (compose
 * CMD check, one task per node), `plain` (no health: never touched).
 */
export function healthPlan(timing: Partial<PlanHealth> = {}): Plan {
  const s = 'hc';
  const nodes = [planNode('node1', 0), planNode('node2', 1)];
  const h = { ...FAST, ...timing };
  const two = (name: string, a: string, b: string) => [task(s, name, 1, 'node1', a), task(s, name, 2, 'node2', b)];
  const services = [
    { ...service(s, 'dns', 256, '10.0.0.20', [port(5353, 53, 'udp'), port(5380, 8080)], two('dns', '10.0.0.21', '10.0.0.22')), health: { kind: 'tcp', port: 8080, ...h } as PlanHealth },
    { ...service(s, 'job', 257, '10.0.0.30', [port(7070, 7070)], two('job', '10.0.0.31', '10.0.0.32')), health: { kind: 'cmd', command: ['CMD', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/${PORT:-7070}'], ...h } as PlanHealth },
    service(s, 'plain', 258, '10.0.0.40', [port(6060, 6060)], two('plain', '10.0.0.41', '10.0.0.42')),
    { ...service(s, 'web', 259, '10.0.0.10', [port(8080, 80)], two('web', '10.0.0.11', '10.0.0.12')), health: { kind: 'http', path: '/health', status: 200, ...h } as PlanHealth },
  ];
  return { stack: s, settings: SETTINGS, nodes, services };
}

/** The agent reads only the node's name from its rule set. */
export function nodeOnly(name: string): NodeRuleSet {
  return { node: name, host: { tables: [], hooks: [] }, ingress: { tables: [], hooks: [] }, ipvs: [], tasks: [] };
}
