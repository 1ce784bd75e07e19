#!/usr/bin/env node
// meshc's apply.sh against Swarm's own method, in one QEMU boot (issue 18): the same
// one-node mesh of N published TCP ports (10 services, N/10 ports each, one local task
// each) installed from a clean machine
//  - the way libnetwork does it: one `iptables` call per rule and one `ipvsadm` call per
//    IPVS service and per real server, generated here from meshc's plan for the stack;
//  - with meshc's apply.sh, cold, then a no-change re-apply;
// then the ratio, and whether both left the same effective mesh (bench/vm/apply-bench.sh).
// Opt-in (a boot takes many minutes under emulation): MESHC_BENCH_VM=1, as root, with the
// VM suite's tools (test/vm/harness.ts). MESHC_BENCH_VM_PORTS=100,300,1000 picks the sizes
// (default 1000); MESHC_BENCH_VM_TRACE=1 also profiles the largest size's apply.sh runs;
// MESHC_BENCH_VM_ONLY=meshc leaves Swarm's method out (profiling apply.sh alone).
// Run after `npm run build` (it compiles with dist/).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePlan } from '../dist/pipeline.js';
import { DiagnosticSink } from '../dist/diagnostics/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..');
const SIZES = (process.env.MESHC_BENCH_VM_PORTS ?? '1000').split(',').map(Number);

function unavailable() {
  if (process.env.MESHC_BENCH_VM !== '1') {
    return 'opt-in: one QEMU boot of 10 minutes or more; run `sudo MESHC_BENCH_VM=1 node bench/vm-apply.mjs` (MESHC_BENCH_VM_PORTS=100,300,1000 for the growth)';
  }
  if (process.getuid?.() !== 0) return 'needs root';
  for (const tool of ['qemu-system-x86_64', 'busybox', 'cpio', 'socat', 'ipvsadm', 'apt-get']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  if (SIZES.some((n) => !Number.isInteger(n) || n < 10 || n % 10 !== 0 || n > 10000)) return 'MESHC_BENCH_VM_PORTS: multiples of 10 up to 10000';
  return null;
}

// The plan of test/vm/plans.ts `published(10, N / 10)`: one node, 10 services.
const SETTINGS = {
  ingressSubnet: '10.0.0.0/24', gatewaySubnet: '172.18.0.0/16', hostBridge: 'docker_gwbridge', hostBridgeIp: '172.18.0.1',
  sandboxGatewayIp: '172.18.0.2', vni: 4096, vxlanPort: 4789, fwmarkBase: 256, dynamicPortRange: [30000, 32767], dataplane: 'ipvs',
};
function plan(ports) {
  const per = ports / 10;
  const ip = (n) => `10.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  const services = Array.from({ length: 10 }, (_, i) => {
    const name = `svc${String(i).padStart(2, '0')}`;
    return {
      name, fullName: `big_${name}`, fwmark: 256 + i, vip: ip(10 + 2 * i), endpointMode: 'vip', health: null,
      ports: Array.from({ length: per }, (_, j) => ({ published: 20000 + i * per + j, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false })),
      tasks: [{ name: `big_${name}.1`, slot: 1, node: 'node1', ip: ip(11 + 2 * i) }],
    };
  });
  const node = { name: 'node1', address: '192.168.56.11', role: 'manager', labels: {}, ingressIp: '10.0.0.2' };
  return { stack: 'big', settings: SETTINGS, nodes: [node], services };
}

/**
 * libnetwork's calls for the plan, per namespace, in its order and with its arguments
 * (moby/moby daemon/libnetwork/service_linux.go). Only the writes: libnetwork also runs
 * `iptables -C` before each host rule (iptables.Rule.Insert → ensure → Exists), before the
 * SNAT rule (configureFWMark) and before each catch-all DROP (addRedirectRules), and its
 * initIngressConfiguration again per service; leaving those out makes this baseline a
 * lower bound of Swarm's cost.
 */
function swarmScripts(p) {
  const s = p.settings;
  const ipt = (args) => `iptables --wait ${args}`;
  // initIngressConfiguration: chains with a final RETURN, the jumps inserted at the top,
  // the MASQUERADE for host-local clients. The filter jump is the pre-28.0.1 one (FORWARD):
  // the bench node has no bridge driver's DOCKER-FORWARD.
  const host = [
    ipt('-t nat -N DOCKER-INGRESS'), ipt('-t nat -A DOCKER-INGRESS -j RETURN'),
    ipt('-t filter -N DOCKER-INGRESS'), ipt('-t filter -A DOCKER-INGRESS -j RETURN'),
    ipt('-t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS'),
    ipt('-t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS'),
    ipt('-t filter -I FORWARD -j DOCKER-INGRESS'),
    ipt(`-t nat -I POSTROUTING -m addrtype --src-type LOCAL -o ${s.hostBridge} -j MASQUERADE`),
  ];
  const sandbox = [];
  const tasks = new Map();
  const [subnet, prefix] = s.ingressSubnet.split('/');
  let snat = false;
  for (const svc of p.services) {
    const ports = svc.ports.filter((x) => x.mode === 'ingress');
    // generateIngressRules + programIngressPortsRules: 3 rules per port, each inserted.
    for (const x of ports) {
      host.push(
        ipt(`-t nat -I DOCKER-INGRESS -p ${x.protocol} --dport ${x.published} -j DNAT --to-destination ${s.sandboxGatewayIp}:${x.published}`),
        ipt(`-t filter -I DOCKER-INGRESS -p ${x.protocol} --sport ${x.published} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`),
        ipt(`-t filter -I DOCKER-INGRESS -p ${x.protocol} --dport ${x.published} -j ACCEPT`),
      );
    }
    // configureFWMark: a mark per port, the SNAT once, the VIP's mark; then the IPVS
    // service and its real servers (addLBBackend: ipvs.NewService, NewDestination).
    for (const x of ports) sandbox.push(ipt(`-t mangle -A PREROUTING -p ${x.protocol} --dport ${x.published} -j MARK --set-mark ${svc.fwmark}`));
    if (!snat) sandbox.push(ipt(`-t nat -A POSTROUTING -m ipvs --ipvs -d ${subnet}/${prefix} -j SNAT --to-source ${p.nodes[0].ingressIp}`));
    snat = true;
    sandbox.push(ipt(`-t mangle -A INPUT -d ${svc.vip}/32 -j MARK --set-mark ${svc.fwmark}`));
    sandbox.push(`ipvsadm -A -f ${svc.fwmark} -s rr`);
    for (const t of svc.tasks) sandbox.push(`ipvsadm -a -f ${svc.fwmark} -r ${t.ip}:0 -m -w 1`);
    // addRedirectRules, in each task: 3 rules per port, then the catch-all drops.
    for (const t of svc.tasks) {
      const lines = [];
      for (const x of ports) {
        lines.push(
          ipt(`-t nat -A PREROUTING -d ${t.ip} -p ${x.protocol} --dport ${x.published} -j REDIRECT --to-port ${x.target}`),
          ipt(`-I INPUT -d ${t.ip} -p ${x.protocol} --dport ${x.target} -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT`),
          ipt(`-I OUTPUT -s ${t.ip} -p ${x.protocol} --sport ${x.target} -m conntrack --ctstate ESTABLISHED -j ACCEPT`),
        );
      }
      for (const proto of ['sctp', 'udp', 'tcp']) lines.push(ipt(`-A INPUT -d ${t.ip} -p ${proto} -j DROP`), ipt(`-A OUTPUT -s ${t.ip} -p ${proto} -j DROP`));
      tasks.set(t.name, lines);
    }
  }
  return { host, sandbox, tasks };
}

async function writeSize(dir, ports) {
  const p = plan(ports);
  const sink = new DiagnosticSink();
  const result = await compilePlan(p, sink);
  if (!result) throw new Error(`compile failed: ${sink.items.map((d) => d.message).join('; ')}`);
  const root = join(dir, `p${ports}`);
  for (const file of result.files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    chmodSync(path, file.mode);
  }
  const topo = ['node node1 192.168.56.11', ...p.services.flatMap((s) => s.tasks.map((t) => `task node1 ${t.name} tcp:80`))];
  writeFileSync(join(root, 'topo.txt'), topo.join('\n') + '\n');
  const swarm = swarmScripts(p);
  mkdirSync(join(root, 'swarm'));
  const script = (name, lines) => writeFileSync(join(root, 'swarm', name), lines.join('\n') + '\n');
  script('host.sh', swarm.host);
  script('sandbox.sh', swarm.sandbox);
  for (const [task, lines] of swarm.tasks) script(`task-${task}.sh`, lines);
  const iptables = swarm.host.length + swarm.sandbox.filter((l) => l.startsWith('iptables')).length + [...swarm.tasks.values()].reduce((n, l) => n + l.length, 0);
  return { iptables, ipvsadm: swarm.sandbox.filter((l) => l.startsWith('ipvsadm')).length };
}

const why = unavailable();
if (why) {
  console.log(`# vm-apply: skipped (${why})`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'meshc-bench-vm-'));
const scenario = join(dir, 'scenario');
mkdirSync(scenario);
copyFileSync(join(ROOT, 'test/vm/scenarios/lib.sh'), join(scenario, 'lib.sh'));
copyFileSync(join(here, 'vm/apply-bench.sh'), join(scenario, 'apply-bench.sh'));
writeFileSync(join(scenario, 'main.sh'), '#!/bin/bash\ncd /scenario\nbash /scenario/apply-bench.sh\nsource /scenario/lib.sh\nkill_all\n');
chmodSync(join(scenario, 'main.sh'), 0o755);
writeFileSync(join(scenario, 'sizes'), SIZES.join(' ') + '\n');
if (process.env.MESHC_BENCH_VM_TRACE === '1') writeFileSync(join(scenario, 'trace'), '');
if (process.env.MESHC_BENCH_VM_ONLY === 'meshc') writeFileSync(join(scenario, 'meshc-only'), '');
const calls = new Map();
for (const n of SIZES) calls.set(n, await writeSize(scenario, n));

spawnSync('bash', [join(ROOT, 'scripts/vm/build-initramfs.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`# meshc vm-apply bench: ${cpus().length} cpu(s), load ${load()} before the boot; QEMU/TCG, iptables-legacy`);
const results = join(dir, 'results.txt');
const started = Date.now();
const vm = spawnSync('bash', [join(ROOT, 'scripts/vm/run.sh'), scenario, results, 'legacy'], {
  encoding: 'utf8',
  env: { ...process.env, MESHC_VM_TIMEOUT: process.env.MESHC_VM_TIMEOUT ?? '3600', MESHC_GUEST_TIMEOUT: process.env.MESHC_GUEST_TIMEOUT ?? '3500' },
});
const raw = readFileSync(results, 'utf8');
console.log(`# boot took ${((Date.now() - started) / 1000).toFixed(0)} s; load ${load()} after it`);
if (vm.status !== 0) {
  console.log(`# vm-apply: the VM run failed (${vm.stderr.trim()}); results in ${results}`);
  process.exitCode = 1;
}
const metrics = new Map([...raw.matchAll(/^METRIC (\S+) (.*)$/gm)].map((m) => [m[1], Number(m[2])]));
const failed = [...raw.matchAll(/^CHECK (\S+) fail ?(.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
const s = (ms) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '-');
console.log('ports\tiptables+ipvsadm calls\tSwarm s\trules\tapply.sh cold s\tre-apply s\trules\tSwarm / cold\tSwarm / re-apply');
for (const n of SIZES) {
  const m = (k) => metrics.get(`p${n}.${k}`);
  const c = calls.get(n);
  console.log(
    `${n}\t${c.iptables}+${c.ipvsadm}\t${s(m('swarm_ms'))}\t${m('swarm_rules')}\t${s(m('cold_ms'))}\t${s(m('reapply_ms'))}\t${m('meshc_rules')}\t` +
      `${(m('swarm_ms') / m('cold_ms')).toFixed(1)}x\t${(m('swarm_ms') / m('reapply_ms')).toFixed(1)}x`,
  );
}
for (const [i, n] of SIZES.entries()) {
  if (i === 0) continue;
  const prev = SIZES[i - 1];
  const g = (k) => (metrics.get(`p${n}.${k}`) / metrics.get(`p${prev}.${k}`)).toFixed(1);
  console.log(`growth ${prev} -> ${n} ports (x${(n / prev).toFixed(1)}): Swarm x${g('swarm_ms')}, apply.sh cold x${g('cold_ms')}, re-apply x${g('reapply_ms')}`);
}
const same = SIZES.map((n) => `${n}: ${/^CHECK p\d+\.same-mesh ok/m.test(raw.split('\n').filter((l) => l.startsWith(`CHECK p${n}.same-mesh`)).join('\n')) ? 'same' : 'DIFFERENT'} (${metrics.get(`p${n}.effective`)} DNAT/mark/VIP/SNAT/REDIRECT rules and IPVS lines)`);
console.log(`effective mesh, Swarm's vs apply.sh's: ${same.join('; ')}`);
console.log(failed.length ? `failed checks:\n  ${failed.join('\n  ')}` : 'every check passed (plumbing, runs, exit codes, sample ports answering from the right task, same mesh)');
const trace = raw.split('\n').filter((l) => l.startsWith('TRACE') || l.startsWith('NOTE trace'));
if (trace.length) console.log(`apply.sh under bash -x (seconds, calls, function:line command):\n${trace.join('\n')}`);
