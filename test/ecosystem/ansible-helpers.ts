/** Shared by the Ansible tests: a compiled output tree for a two-node stack, and PLAY RECAP parsing. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { Inventory } from '../../src/model/inventory.js';
import type { Plan } from '../../src/model/plan.js';
import type { OutputFile } from '../../src/model/rules.js';
import { compilePlan, loadStack, planStack } from '../../src/pipeline.js';

/** Without a health check: no health agent anywhere. */
export const STACK_PLAIN = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    deploy:\n      replicas: 2\n    ports:\n      - "8080:80"\n      - "5353:53/udp"\n';
/**
 * The same service health-checked (a TCP connect to port 80, every 2 s, unhealthy after 2
 * failures: out of the balancer within 2 × 2 + 2 = 6 s): every node gets the health agent.
 */
export const STACK = `${STACK_PLAIN}    healthcheck:\n      test: ["CMD-SHELL", "true"]\n      interval: 2s\n      timeout: 2s\n      retries: 2\n    x-meshc:\n      health:\n        tcp: {port: 80}\n`;
export const NODES = [
  { name: 'node1', address: '192.168.100.11' },
  { name: 'node2', address: '192.168.100.12' },
] as const;

/** Compiles `stack` (STACK by default) for NODES with meshc's real pipeline and writes the tree into `dir`. */
export async function compileTree(dir: string, stackText = STACK): Promise<{ plan: Plan; files: OutputFile[] }> {
  const sink = new DiagnosticSink();
  const inventory: Inventory = {
    source: null,
    settings: {},
    nodes: NODES.map((n, i) => ({ ...n, role: i === 0 ? 'manager' : 'worker', labels: {}, engineLabels: {} })),
  };
  const stack = loadStack({ files: ['mesh.yml'] }, { env: {}, readFile: () => Buffer.from(stackText) }, sink);
  const planned = stack && planStack(stack, inventory, {}, sink);
  const out = planned && (await compilePlan(planned.plan, sink));
  if (!planned || !out) throw new Error(sink.items.map((d) => `${d.code}: ${d.message}`).join('\n'));
  for (const f of out.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    chmodSync(join(dir, f.path), f.mode);
  }
  return { plan: planned.plan, files: out.files };
}

/** `host : ok=5 changed=1 …` lines of ansible-playbook's PLAY RECAP, by host. */
export function recap(output: string): Map<string, Record<string, number>> {
  const hosts = new Map<string, Record<string, number>>();
  for (const m of output.matchAll(/^(\S+)\s+: (ok=.*)$/gm)) {
    hosts.set(m[1]!, Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])])));
  }
  return hosts;
}
