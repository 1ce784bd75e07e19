#!/usr/bin/env node
// Cluster benchmark: a 10-stack cluster (100 services, 300 tasks, 20 nodes) against the
// same 100 services as one stack, both through the real driver (front end, planner,
// emitters, renderers) in this same run, from files in a temp directory. Prints compile
// time and output size of each and the ratios (cluster / one stack): ~1 means a cluster
// costs what its services cost. Run after `npm run build` (imports dist/).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileFile } from '../dist/driver/drive.js';
import { DiagnosticSink } from '../dist/diagnostics/types.js';

const STACKS = 10;
const PER_STACK = 10;
const NODES = 20;
const ROUNDS = Number(process.env.ROUNDS ?? 5);

/** Service j of stack i: 3 replicas, one explicit ingress port (every 3rd: dynamic), every 4th also UDP. */
function service(i, j) {
  const n = i * PER_STACK + j;
  const ports = [n % 3 === 0 ? '    - target: 80' : `    - "${10000 + n}:80"`];
  if (n % 4 === 0) ports.push(`    - "${20000 + n}:53/udp"`);
  return `  s${j}:\n    image: nginx\n    deploy: {replicas: 3}\n    ports:\n${ports.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'meshc-bench-cluster-'));
try {
  const nodes = Array.from({ length: NODES }, (_, k) => `  - {name: node${k + 1}, address: 192.168.1.${k + 1}, role: ${k === 0 ? 'manager' : 'worker'}}`);
  writeFileSync(join(dir, 'inventory.yml'), `nodes:\n${nodes.join('\n')}\nnetwork: {ingress_subnet: 10.0.0.0/22}\n`);
  mkdirSync(join(dir, 'stacks'));
  const stackNames = Array.from({ length: STACKS }, (_, i) => `st${i}`);
  for (const [i, name] of stackNames.entries()) {
    writeFileSync(join(dir, 'stacks', `${name}.yml`), `services:\n${Array.from({ length: PER_STACK }, (_, j) => service(i, j)).join('')}`);
  }
  writeFileSync(join(dir, 'meshc.yml'), `inventory: inventory.yml\nstacks:\n${stackNames.map((n) => `  ${n}: stacks/${n}.yml\n`).join('')}`);
  // The same services in one stack: service s<j> of stack st<i> becomes st<i>-s<j>.
  const one = stackNames.flatMap((_, i) => Array.from({ length: PER_STACK }, (_, j) => service(i, j).replace(/^ {2}s(\d+):/, `  st${i}-s$1:`)));
  writeFileSync(join(dir, 'one.yml'), `services:\n${one.join('')}`);

  const io = { cwd: dir, env: {}, readFile: (p) => readFileSync(join(dir, p)), readStdin: () => Buffer.alloc(0) };
  const opts = (extra) => ({ overrides: [], settings: {}, frozen: false, ...extra });
  const run = async (file, extra) => {
    const sink = new DiagnosticSink();
    const t = performance.now();
    const compiled = await compileFile(file, opts(extra), io, sink);
    const ms = performance.now() - t;
    if (!compiled) throw new Error(`${file}: ${sink.items.map((d) => d.message).join('; ')}`);
    return { ms, bytes: compiled.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0), files: compiled.files.length, tasks: compiled.plan.services.reduce((n, s) => n + s.tasks.length, 0) };
  };
  // Warm-up (module loading, template compilation), then interleaved rounds: both see the same load.
  await run('meshc.yml');
  await run('one.yml', { inventory: 'inventory.yml' });
  const times = { cluster: [], one: [] };
  let last;
  for (let r = 0; r < ROUNDS; r++) {
    const c = await run('meshc.yml');
    const o = await run('one.yml', { inventory: 'inventory.yml' });
    times.cluster.push(c.ms);
    times.one.push(o.ms);
    last = { c, o };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [mc, mo] = [median(times.cluster), median(times.one)];
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${ROUNDS} rounds, medians`);
  console.log(`cluster:   ${STACKS} stacks, ${STACKS * PER_STACK} services, ${last.c.tasks} tasks, ${NODES} nodes: ${mc.toFixed(0)} ms, ${last.c.files} files, ${(last.c.bytes / 1024).toFixed(0)} KiB`);
  console.log(`one stack: 1 stack,  ${STACKS * PER_STACK} services, ${last.o.tasks} tasks, ${NODES} nodes: ${mo.toFixed(0)} ms, ${last.o.files} files, ${(last.o.bytes / 1024).toFixed(0)} KiB`);
  console.log(`ratio cluster/one: time ${(mc / mo).toFixed(2)}, output size ${(last.c.bytes / last.o.bytes).toFixed(3)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
