#!/usr/bin/env node
// Emitters and rule rendering at scale: a generated 1,000-service / 3,000-task / 50-node
// plan and the same at 10x (10,000 services / 30,000 tasks; still 50 nodes: clusters grow
// in services faster than in nodes). Prints compile time against a baseline measured in
// this run (JSON.stringify of the same plan, one linear pass over the same data), output
// size, growth 1x -> 10x, and rules per node against Docker Swarm's counts.
// Run after `npm run build`; imports dist/. Target: < 1 s for the 1,000-service plan.
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { emitRuleSets } from '../dist/emit/emit-rule-sets.js';
import { renderNodeRules } from '../dist/render/render-rules.js';
import { renderFiles } from '../dist/render/render-files.js';
import { DiagnosticSink } from '../dist/diagnostics/types.js';

const SETTINGS = {
  ingressSubnet: '10.0.0.0/16', gatewaySubnet: '172.18.0.0/16', hostBridge: 'docker_gwbridge', hostBridgeIp: '172.18.0.1',
  sandboxGatewayIp: '172.18.0.2', vni: 4096, vxlanPort: 4789, fwmarkBase: 256, dynamicPortRange: [30000, 32767],
};

const ip = (n) => `10.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;

/** Services with 1 port (every 4th: a tcp and a udp port), 3 tasks each spread over the nodes. */
function generatePlan(services, tasksPerService, nodeCount) {
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `node${String(i + 1).padStart(3, '0')}`, address: `192.168.${Math.floor(i / 250)}.${(i % 250) + 2}`, role: 'worker', labels: {}, ingressIp: ip(i) }));
  let next = nodeCount;
  const list = Array.from({ length: services }, (_, s) => {
    const name = `svc${String(s).padStart(5, '0')}`;
    const ports = [{ published: 10000 + s, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false }];
    if (s % 4 === 0) ports.push({ published: 10000 + s, target: 53, protocol: 'udp', mode: 'ingress', dynamic: false });
    const vip = ip(next++);
    const tasks = Array.from({ length: tasksPerService }, (_, t) => ({ name: `bench_${name}.${t + 1}`, slot: t + 1, node: nodes[(s * tasksPerService + t) % nodeCount].name, ip: ip(next++) }));
    return { name, fullName: `bench_${name}`, fwmark: 256 + s, vip, endpointMode: 'vip', ports, tasks, health: null };
  });
  return { stack: 'bench', settings: SETTINGS, nodes, services: list };
}

function compileRules(plan) {
  const rs = emitRuleSets(plan, new DiagnosticSink());
  const files = rs.nodes.flatMap((n) => renderNodeRules(n));
  return { rs, files };
}

/** Median wall time and median process CPU time (all threads, GC included) over `runs`. */
function time(fn, runs) {
  const wall = [];
  const cpu = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(wall), cpuMs: median(cpu), result };
}

const ruleCount = (ruleset) => ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);

function measure(label, services, runs) {
  const plan = generatePlan(services, 3, 50);
  compileRules(plan); // warm-up: template compilation and JIT, so the sample times steady state
  const base = time(() => JSON.stringify(plan), runs);
  const { ms, cpuMs, result } = time(() => compileRules(plan), runs);
  let full = 'n/a';
  try {
    const t = time(() => renderFiles(plan, emitRuleSets(plan, new DiagnosticSink())), 1);
    full = `${t.ms.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms cpu`;
  } catch (e) {
    full = `n/a (${String(e.message).slice(0, 60)})`;
  }
  const bytes = result.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  console.log(`${label}: ${services} services, ${services * 3} tasks, 50 nodes, ${result.files.length} rule files`);
  console.log(`  emit + render rules: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms cpu (median of ${runs}); baseline JSON.stringify(plan): ${base.ms.toFixed(1)} ms; ratio ${(ms / base.ms).toFixed(1)}x`);
  console.log(`  whole compile (emit + renderFiles: plan.json, runners, playbook, rules): ${full}`);
  console.log(`  output: ${(bytes / 1e6).toFixed(1)} MB of rule files, ${(bytes / 50 / 1e3).toFixed(0)} kB per node; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  return { plan, rs: result.rs, ms, cpuMs };
}

function compareWithSwarm(plan, rs) {
  const node = rs.nodes[0];
  const ports = plan.services.reduce((n, s) => n + s.ports.length, 0);
  const swarmHost = 3 * ports;
  const swarmSbox = plan.services.reduce((n, s) => n + s.ports.length + 1, 0);
  const taskPairs = node.tasks.map((t) => [ruleCount(t.rules), 3 * plan.services.find((s) => s.name === t.service).ports.length + 6]);
  const [meshTask, swarmTask] = taskPairs.reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
  const row = (what, mesh, swarm) => console.log(`  ${what.padEnd(34)} meshc ${String(mesh).padStart(6)}   swarm ${String(swarm).padStart(6)}   ratio ${(mesh / swarm).toFixed(2)}`);
  console.log(`rules on ${node.node} (${ports} published ports, ${node.tasks.length} local tasks):`);
  row('host (swarm: 3 per port)', ruleCount(node.host), swarmHost);
  row('ingress sandbox (swarm: P+1 per svc)', ruleCount(node.ingress), swarmSbox);
  row('tasks (swarm: 3P+6 per task)', meshTask, swarmTask);
}

console.log(`machine: ${cpus().length} cpus, load average ${loadavg()[0].toFixed(1)} (times grow with load; the ratios less so)`);
const one = measure('1x', 1000, 5);
compareWithSwarm(one.plan, one.rs);
const ten = measure('10x', 10000, 1);
console.log(`growth 1x -> 10x: ${(ten.ms / one.ms).toFixed(1)}x wall, ${(ten.cpuMs / one.cpuMs).toFixed(1)}x cpu, for 10x the services (linear = 10)`);
// Judged on CPU time: on a shared machine wall time mostly measures the wait for a core.
const verdict = one.cpuMs < 1000 ? 'met' : 'MISSED';
console.log(`target < 1000 ms for 1,000 services: ${verdict} (${one.cpuMs.toFixed(0)} ms cpu, ${one.ms.toFixed(0)} ms wall)`);
