#!/usr/bin/env node
// Emitters and rule rendering at scale: a generated 1,000-service / 3,000-task / 50-node
// plan and the same at 10x (10,000 services / 30,000 tasks; still 50 nodes: clusters grow
// in services faster than in nodes). Prints compile time against a baseline measured in
// this run (JSON.stringify of the same plan, one linear pass over the same data), output
// size, growth 1x -> 10x, and rules per node against Docker Swarm's counts.
// Run after `npm run build`; imports dist/. Target: < 1 s for the 1,000-service plan.
import { performance } from 'node:perf_hooks';
import { cpus, loadavg, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitRuleSets } from '../dist/emit/emit-rule-sets.js';
import { renderNodeRules, renderSharedRules, sharedIptables } from '../dist/render/render-rules.js';
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

/** The rule files as the compile writes them: the shared folder once, each node's part (docs/runner.md). */
function compileRules(plan) {
  const rs = emitRuleSets(plan, new DiagnosticSink());
  const shared = sharedIptables(rs.nodes);
  const files = [...renderSharedRules(rs.nodes, shared), ...rs.nodes.flatMap((n) => renderNodeRules(n, shared))];
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
  const size = (files) => files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  const bytes = size(result.files);
  const sharedBytes = size(result.files.filter((f) => f.path.startsWith('shared/')));
  console.log(`${label}: ${services} services, ${services * 3} tasks, 50 nodes, ${result.files.length} rule files`);
  console.log(`  emit + render rules: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms cpu (median of ${runs}); baseline JSON.stringify(plan): ${base.ms.toFixed(1)} ms; ratio ${(ms / base.ms).toFixed(1)}x`);
  console.log(`  whole compile (emit + renderFiles: plan.json, runners, playbook, rules): ${full}`);
  console.log(`  output: ${(bytes / 1e6).toFixed(1)} MB of rule files: ${(sharedBytes / 1e3).toFixed(0)} kB in shared/, ${((bytes - sharedBytes) / 50 / 1e3).toFixed(0)} kB per node folder; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
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

// The whole CLI, as a user runs it: `meshc compile stack.yml -i inventory.yml -o out/` on
// issue 18's two sizes, each a fresh process. CPU time (user + sys) and peak RSS come from
// GNU time (/usr/bin/time); the output is written to a temp directory and measured.
// Targets: 1,000 services / 3,000 tasks / 50 nodes < 1 s CPU; 10,000 / 30,000 / 100 < 5 s.
const MESHC = fileURLToPath(new URL('../bin/meshc.js', import.meta.url));

function cliInputs(dir, services, nodes) {
  const lines = ['version: "3.8"', 'services:'];
  for (let i = 0; i < services; i++) {
    lines.push(`  svc${i}:`, '    image: nginx:1.27', '    ports:', `      - "${10000 + i}:80/tcp"`, `      - "${10000 + i}:53/udp"`, '    deploy:', '      replicas: 3');
  }
  const stack = join(dir, `s${services}.yml`);
  writeFileSync(stack, `${lines.join('\n')}\n`);
  const inv = ['nodes:'];
  for (let k = 0; k < nodes; k++) inv.push(`  - {name: node${String(k + 1).padStart(3, '0')}, address: 192.168.${Math.floor(k / 250)}.${(k % 250) + 2}, role: ${k < 3 ? 'manager' : 'worker'}}`);
  inv.push('network: {ingress_subnet: 10.0.0.0/16}');
  const inventory = join(dir, `inv${nodes}.yml`);
  writeFileSync(inventory, `${inv.join('\n')}\n`);
  return { stack, inventory };
}

function treeBytes(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else [files, bytes] = [files + 1, bytes + st.size];
    }
  };
  walk(dir);
  return { files, bytes };
}

function cliCompile(services, nodes) {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-bench-compile-'));
  try {
    const { stack, inventory } = cliInputs(dir, services, nodes);
    const out = join(dir, 'out');
    const argv = [process.execPath, MESHC, 'compile', stack, '-i', inventory, '-o', out, '--lock', join(dir, 'lock.json')];
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'MESHC_BENCH %U %S %M', ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = performance.now() - t0;
    const m = /MESHC_BENCH (\S+) (\S+) (\d+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m) throw new Error(`meshc compile exited ${r.status}: ${String(r.stderr).slice(-1000)}`);
    const { files, bytes } = treeBytes(out);
    const cpu = Number(m[1]) + Number(m[2]);
    console.log(`  ${String(services).padStart(6)} services ${String(services * 3).padStart(6)} tasks ${String(nodes).padStart(4)} nodes: ${cpu.toFixed(2)} s cpu (user ${m[1]} + sys ${m[2]}), ${(wall / 1000).toFixed(2)} s wall, peak RSS ${(Number(m[3]) / 1024).toFixed(0)} MB, ${files} files, ${(bytes / 1e6).toFixed(0)} MB`);
    return cpu;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (existsSync('/usr/bin/time')) {
  console.log('meshc compile, the whole CLI (front end, planner, emitters, renderers, writing the tree), fresh process each:');
  const c1 = cliCompile(1000, 50);
  const c10 = cliCompile(10000, 100);
  console.log(`  targets: < 1 s cpu at 1,000 / 3,000 / 50: ${c1 < 1 ? 'met' : 'MISSED'}; < 5 s at 10,000 / 30,000 / 100: ${c10 < 5 ? 'met' : 'MISSED'}; growth ${(c10 / c1).toFixed(1)}x`);
} else {
  console.log('meshc compile (whole CLI): skipped, needs GNU time at /usr/bin/time');
}
