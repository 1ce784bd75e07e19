#!/usr/bin/env node
// The nftables dataplane against iptables + IPVS, on one node (docs/dataplanes.md):
//  1. rules per node and apply time for N published ports (default 10, 1,000, 10,000):
//     host + sandbox files loaded into fresh network namespaces with `nft -f`, and with
//     `iptables-restore --noflush` (+ `ipvsadm -R` when this kernel has IPVS; without it
//     the sandbox's `-m ipvs` SNAT rule is left out and IPVS is reported as unavailable);
//  2. connection setup rate through the nftables mesh (client → node's published port →
//     sandbox → task) with S services (default 10 and 10,000): sequential TCP connects of
//     one small request each, to the first and to the last service's port.
// Needs root, ip, nft, iptables-nft-restore, iptables-nft-save; run after `npm run build`.
// Usage: node bench/nft.mjs [--ports 10,1000,10000] [--services 10,10000] [--conns 2000]
// Numbers need a quiet machine: the lead runs the figures.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { emitNftRuleSets } from '../dist/emit/nft/emit-nft.js';
import { renderNftNode } from '../dist/render/render-nft.js';
import { emitRuleSets } from '../dist/emit/emit-rule-sets.js';
import { renderNodeRules } from '../dist/render/render-rules.js';
import { DiagnosticSink } from '../dist/diagnostics/types.js';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const list = (v, d) => (v ?? d).split(',').map(Number);
const PORTS = list(args.ports, '10,1000,10000');
const SERVICES = list(args.services, '10,10000');
const CONNS = Number(args.conns ?? 2000);

const SETTINGS = {
  ingressSubnet: '10.0.0.0/16', gatewaySubnet: '172.18.0.0/16', hostBridge: 'meshc_gwbridge', hostBridgeIp: '172.18.0.1',
  sandboxGatewayIp: '172.18.0.2', vni: 4096, vxlanPort: 4789, fwmarkBase: 256, dynamicPortRange: [30000, 32767], dataplane: 'nftables',
};
const ip = (n) => `10.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
const TASK_IP = '10.0.250.2';

/** One node; `services` services with `portsPer` tcp ports each, one task each (all at TASK_IP: the bench's single server). */
function plan(services, portsPer, dataplane) {
  const nodes = [{ name: 'node1', address: '192.168.77.1', role: 'manager', labels: {}, ingressIp: ip(0) }];
  const list = Array.from({ length: services }, (_, s) => ({
    name: `s${s}`, fullName: `b_s${s}`, fwmark: 256 + s, vip: ip(1 + s), endpointMode: 'vip', health: null,
    ports: Array.from({ length: portsPer }, (_, p) => ({ published: 20000 + s * portsPer + p, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false })),
    tasks: [{ name: `b_s${s}.1`, slot: 1, node: 'node1', ip: TASK_IP }],
  }));
  return { stack: 'b', settings: { ...SETTINGS, dataplane }, nodes, services: list };
}

const run = (argv, input) => execFileSync(argv[0], argv.slice(1), { input, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
const inNs = (ns, argv, input) => run(['ip', 'netns', 'exec', ns, ...argv], input);
const created = [];
function ns(tag) {
  const name = `nb${process.pid}-${tag}${created.length}`;
  run(['ip', 'netns', 'add', name]);
  inNs(name, ['ip', 'link', 'set', 'lo', 'up']);
  created.push(name);
  return name;
}
function cleanup() {
  for (const n of created.splice(0)) spawnSync('ip', ['netns', 'delete', n]);
}
process.on('exit', cleanup);
function timed(fn) {
  const t = performance.now();
  fn();
  return performance.now() - t;
}
const hasIpvs = spawnSync('sh', ['-c', 'command -v ipvsadm >/dev/null && ipvsadm -Ln >/dev/null 2>&1']).status === 0;

function nftRules(where) {
  return inNs(where, ['nft', '-a', 'list', 'ruleset']).split('\n').filter((l) => /# handle \d+$/.test(l) && !/^\s*(table|chain|set|map|type) /.test(l.trim()) && !/\{ # handle/.test(l)).length;
}

function applyBench(ports) {
  // Ports spread over 10 services: the nftables rule count grows with services (one pick
  // rule each), never with ports; holding services fixed shows exactly that.
  const services = Math.min(10, ports);
  const perService = Math.ceil(ports / services);
  const nft = renderNftNode(emitNftRuleSets(plan(services, perService, 'nftables')).nodes[0]);
  const nsN = ns('n');
  const nftMs = timed(() => {
    inNs(nsN, ['nft', '-f', '-'], nft.find((f) => f.path === 'node1/host.nft').content);
    inNs(nsN, ['nft', '-f', '-'], nft.find((f) => f.path === 'node1/ingress.nft').content);
  });
  const nftCount = nftRules(nsN);
  const p = plan(services, perService, 'ipvs');
  const ipt = renderNodeRules(emitRuleSets(p, new DiagnosticSink()).nodes[0]);
  const nsI = ns('i');
  const sboxRules = ipt.find((f) => f.path === 'node1/ingress.rules').content;
  const iptMs = timed(() => {
    inNs(nsI, ['iptables-nft-restore', '--noflush', '--wait'], ipt.find((f) => f.path === 'node1/host.rules').content);
    inNs(nsI, ['iptables-nft-restore', '--noflush', '--wait'], hasIpvs ? sboxRules : sboxRules.split('\n').filter((l) => !l.includes(' -m ipvs ')).join('\n'));
    if (hasIpvs) inNs(nsI, ['ipvsadm', '-R'], ipt.find((f) => f.path === 'node1/ipvs.rules').content);
  });
  const iptCount = inNs(nsI, ['iptables-nft-save']).split('\n').filter((l) => l.startsWith('-A ')).length;
  const ipvsCount = ipt.find((f) => f.path === 'node1/ipvs.rules').content.split('\n').filter((l) => l.startsWith('-')).length;
  cleanup();
  return { ports: services * perService, nft: { rules: nftCount, ms: nftMs }, iptables: { rules: iptCount, ipvsEntries: ipvsCount, ms: iptMs, ipvs: hasIpvs } };
}

async function connBench(services) {
  const files = renderNftNode(emitNftRuleSets(plan(services, 1, 'nftables')).nodes[0]);
  const [client, node, sbox, task] = [ns('c'), ns('n'), ns('s'), ns('t')];
  const link = (a, ifA, ipA, b, ifB, ipB) => {
    run(['ip', '-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
    for (const [n, dev, addr] of [[a, ifA, ipA], [b, ifB, ipB]]) {
      if (addr) run(['ip', '-n', n, 'addr', 'add', addr, 'dev', dev]);
      run(['ip', '-n', n, 'link', 'set', dev, 'up']);
    }
  };
  link(client, 'eth0', '192.168.77.100/24', node, 'eth0', '192.168.77.1/24');
  link(node, 'vsbox', '172.18.0.1/16', sbox, 'eth1', '172.18.0.2/16');
  link(sbox, 'eth0', `${ip(0)}/16`, task, 'eth0', `${TASK_IP}/16`);
  inNs(sbox, ['ip', 'route', 'add', 'default', 'via', '172.18.0.1']);
  for (const n of [node, sbox]) inNs(n, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  inNs(node, ['nft', '-f', '-'], files.find((f) => f.path === 'node1/host.nft').content);
  inNs(sbox, ['nft', '-f', '-'], files.find((f) => f.path === 'node1/ingress.nft').content);
  // Every service's backend is the one bench server: its published ports all lead to :80.
  inNs(task, ['nft', '-f', '-'], 'table ip bench {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\ttcp dport 20000-65535 redirect to :80\n\t}\n}\n');
  const server = spawn('ip', ['netns', 'exec', task, process.execPath, '-e', "require('net').createServer((s)=>{s.on('data',()=>s.end('x'))}).listen(80)"], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const client_ = `const net=require('net');const [host,port,n]=process.argv.slice(1);let done=0;const t=process.hrtime.bigint();
function one(){const s=net.connect(+port,host,()=>s.write('q'));s.on('data',()=>s.destroy());s.on('close',()=>{if(++done<+n)one();else{const ms=Number(process.hrtime.bigint()-t)/1e6;console.log(JSON.stringify({n:done,ms}))}});s.on('error',(e)=>{console.error(e.message);process.exit(1)})}one();`;
  const rate = (port) => {
    const out = JSON.parse(inNs(client, [process.execPath, '-e', client_, '192.168.77.1', String(port), String(CONNS)]));
    return Math.round((out.n / out.ms) * 1000);
  };
  const first = rate(20000);
  const last = rate(20000 + services - 1);
  server.kill();
  cleanup();
  return { services, connsPerSecFirst: first, connsPerSecLast: last };
}

// A benchmark that needs an absent tool says so and stops; it is not a failure.
const missing = ['ip', 'nft', 'iptables-nft-restore', 'iptables-nft-save'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
if (missing.length > 0 || process.getuid?.() !== 0) {
  console.log(`# meshc nftables bench: skipped (${missing.length > 0 ? `not installed: ${missing.join(', ')}` : 'needs root'})`);
  process.exit(0);
}
console.log(`# meshc nftables bench: ${cpus().length} cpu(s), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; IPVS ${hasIpvs ? 'present' : 'absent (iptables side without ipvsadm -R)'}`);
console.log('ports\tnft rules\tnft apply ms\tiptables rules\tipvs entries\tiptables(+ipvs) apply ms');
for (const n of PORTS) {
  const r = applyBench(n);
  console.log(`${r.ports}\t${r.nft.rules}\t${r.nft.ms.toFixed(1)}\t${r.iptables.rules}\t${r.iptables.ipvsEntries}\t${r.iptables.ms.toFixed(1)}${r.iptables.ipvs ? '' : ' (no ipvsadm -R)'}`);
}
console.log(`\nservices\tconn/s (first service)\tconn/s (last service)\t(${CONNS} sequential connections each, nftables)`);
for (const s of SERVICES) {
  const r = await connBench(s);
  console.log(`${r.services}\t${r.connsPerSecFirst}\t${r.connsPerSecLast}`);
}
