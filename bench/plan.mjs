#!/usr/bin/env node
// Planner benchmark: plan time for a generated 1,000-service / 3,000-task / 50-node
// stack (the baseline, measured in this same run) and for 10× that (10,000 services /
// 30,000 tasks / 500 nodes), printing the growth ratio: ~10 means linear scaling.
// Run after `npm run build` (imports dist/); MESHC_DIST=<dir> points at another build.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.env.MESHC_DIST ?? new URL('../dist', import.meta.url).pathname);
const { buildPlan } = await import(pathToFileURL(`${dist}/plan/build-plan.js`).href);
const { DiagnosticSink } = await import(pathToFileURL(`${dist}/diagnostics/types.js`).href);

const loc = { file: 'bench.yml', line: 1, col: 1 };
const ZONES = ['a', 'b', 'c', 'd', 'e'];

/** n services, 3 replicas each; every 10th has a dynamic port, every 7th a zone constraint, every 5th a spread. */
function stack(n) {
  const services = Array.from({ length: n }, (_, i) => ({
    name: `svc${String(i).padStart(5, '0')}`,
    image: 'nginx',
    mode: 'replicated',
    replicas: 3,
    endpointMode: 'vip',
    ports: [
      ...(i % 10 === 0 ? [{ target: 80, published: 0, protocol: 'tcp', mode: 'ingress', loc }] : []),
      { target: 8080, published: 10000 + i, protocol: i % 3 === 0 ? 'udp' : 'tcp', mode: 'ingress', loc },
    ],
    placement: {
      constraints: i % 7 === 0 ? [{ key: 'node.labels.zone', op: '!=', value: ZONES[i % 5], raw: 'zone', loc }] : [],
      spread: i % 5 === 0 ? [{ descriptor: 'node.labels.zone', loc }] : [],
    },
    loc,
  }));
  return { name: 'bench', files: ['bench.yml'], services, settings: { ingressSubnet: '10.0.0.0/16' } };
}

function inventory(n) {
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `node${String(i).padStart(4, '0')}`,
    address: `192.168.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    role: i < 3 ? 'manager' : 'worker',
    labels: { zone: ZONES[i % 5] },
    engineLabels: {},
  }));
  return { source: 'bench', nodes, settings: {} };
}

// Enough warm-up runs for V8 to optimise the hot paths; best-of-N resists a busy machine.
const WARMUP = 5;

function measure(services, nodes, runs) {
  const s = stack(services);
  const inv = inventory(nodes);
  const times = [];
  let tasks = 0;
  for (let r = 0; r < WARMUP + runs; r++) {
    const sink = new DiagnosticSink();
    const t0 = process.hrtime.bigint();
    const result = buildPlan(s, inv, {}, sink);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!result || sink.hasErrors()) throw new Error(`plan failed: ${sink.items.map((d) => d.message).join('; ')}`);
    tasks = result.plan.services.reduce((sum, svc) => sum + svc.tasks.length, 0);
    // The first runs warm up the JIT and are not counted.
    if (r >= WARMUP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { services, nodes, tasks, best: times[0], median: times[Math.floor(times.length / 2)] };
}

const base = measure(1_000, 50, 9);
const big = measure(10_000, 500, 5);
for (const m of [base, big]) {
  const label = `${String(m.services).padStart(6)} services ${String(m.tasks).padStart(6)} tasks ${String(m.nodes).padStart(4)} nodes`;
  console.log(`${label}: best ${m.best.toFixed(1)} ms, median ${m.median.toFixed(1)} ms`);
}
console.log(`growth for 10x input: ${(big.best / base.best).toFixed(1)}x time, best of runs (10x = linear)`);
