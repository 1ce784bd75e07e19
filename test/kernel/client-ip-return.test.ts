/**
 * client_ip: preserve, the task side of the return path (docs/client-ip.md), with real
 * packets in network namespaces and no IPVS: two "sandboxes" (node1's and node2's: their
 * ingress address and the MAC the runner gives them, each DNATing its own LAN address to
 * the task without SNAT, as a preserving service's sandbox does) on one ingress bridge
 * with the task. The task has its own default route through an egress router, so a reply
 * that does not take the return path leaves by the wrong way and never reaches the client
 * as an answer; its rp_filter is strict.
 *
 * The task gets the emitted tasks/<task>.rules (loaded with each iptables backend, hooks
 * as the runner inserts them) and the runner's ip rules and routes (one per node).
 * Proven: TCP and UDP through either sandbox reach the server with the client's address as
 * peer, and the connection's mark names the node it came by; the task's own outbound
 * connection is not marked and leaves by its default route; without the return path (a
 * plain service's rules) the same request gets no answer.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { RETURN_RULE_PREF, returnHops } from '../../src/emit/client-ip.js';
import { emitRuleSets } from '../../src/emit/emit-rule-sets.js';
import type { Plan } from '../../src/model/plan.js';
import { renderNodeRules } from '../../src/render/render-rules.js';
import { addNs, BACKENDS, deleteNs, hooksOf, inNs, insertHooks, kernelSkipReason, nsName, request, restore, veth, waitFor, type Backend } from './netns.js';
import { planNode, port, service, SETTINGS, task } from './sample-plans.js';

const skip = kernelSkipReason() ?? (spawnSync('sh', ['-c', 'command -v nft && command -v conntrack']).status === 0 ? null : 'needs nft and conntrack on PATH');
const namespaces: string[] = [];
const servers: ChildProcess[] = [];

// echo (preserving): one task per backend, both on node1; node2 has no replica. plain: the control.
const PLAN: Plan = {
  stack: 'app',
  settings: SETTINGS,
  nodes: [planNode('node1', 0), planNode('node2', 1)],
  services: [
    { ...service('app', 'echo', 256, '10.0.0.9', [port(8080, 80), port(5353, 53, 'udp')], [task('app', 'echo', 1, 'node1', '10.0.0.10'), task('app', 'echo', 2, 'node1', '10.0.0.12')]), clientIp: 'preserve' },
    service('app', 'plain', 257, '10.0.0.8', [port(8081, 80)], [task('app', 'plain', 1, 'node1', '10.0.0.11')]),
  ],
};
const TASK_OF: Record<Backend['name'], { name: string; ip: string; tcp: number; udp: number }> = {
  legacy: { name: 'app_echo.1', ip: '10.0.0.10', tcp: 8080, udp: 5353 },
  nft: { name: 'app_echo.2', ip: '10.0.0.12', tcp: 8082, udp: 5354 },
};
const CLIENT_IP = '192.168.70.100';
const SANDBOX_LAN = ['192.168.70.1', '192.168.70.2']; // node1's and node2's sandbox on the client's LAN
const EGRESS_LAN = '192.168.70.254';
let client = '';
const taskNs = new Map<string, string>();

function ns(tag: string): string {
  const name = nsName(tag);
  namespaces.push(name);
  addNs(name);
  return name;
}

function rulesFile(taskName: string): string {
  const file = emitRuleSets(PLAN, new DiagnosticSink()).nodes.flatMap((n) => renderNodeRules(n)).find((f) => f.path === `node1/tasks/${taskName}.rules`);
  if (!file) throw new Error(`no rules for ${taskName}`);
  return file.content;
}

/** A server whose answer is the peer address socat saw (the client's, or whoever SNATed it). */
function peerServer(where: string, address: string): void {
  const child = spawn('ip', ['netns', 'exec', where, 'socat', `${address},fork,reuseaddr`, 'SYSTEM:read -r line; echo "$SOCAT_PEERADDR"'], { stdio: 'ignore' });
  child.unref();
  servers.push(child);
}

function udpRequest(from: string, address: string): string {
  const r = spawnSync('ip', ['netns', 'exec', from, 'socat', '-T', '3', '-', `UDP4:${address}`], { input: 'hi\n', timeout: 8000, encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}

function build(): void {
  const lan = ns('lan');
  const ov = ns('ov');
  for (const where of [lan, ov]) {
    inNs(where, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    inNs(where, ['ip', 'link', 'set', 'br0', 'up']);
  }
  const onBridge = (where: string, dev: string) => inNs(where, ['ip', 'link', 'set', dev, 'master', 'br0']);
  client = ns('cl');
  veth(client, 'eth0', `${CLIENT_IP}/24`, lan, 'cl', null);
  onBridge(lan, 'cl');
  const hops = returnHops(PLAN);
  hops.forEach((hop, i) => {
    const sbox = ns(`sb${i + 1}`);
    veth(sbox, 'eth1', `${SANDBOX_LAN[i]}/24`, lan, `sb${i + 1}`, null);
    onBridge(lan, `sb${i + 1}`);
    veth(sbox, 'ingress0', `${hop.gateway}/24`, ov, `sb${i + 1}`, null);
    onBridge(ov, `sb${i + 1}`);
    inNs(sbox, ['ip', 'link', 'set', 'ingress0', 'address', hop.mac]);
    inNs(sbox, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // A preserving service's sandbox: DNAT to the task, no SNAT (IPVS's part, without IPVS).
    const lanIp = SANDBOX_LAN[i];
    const dnat = [
      `ip daddr ${lanIp} tcp dport 8080 dnat to 10.0.0.10`,
      `ip daddr ${lanIp} udp dport 5353 dnat to 10.0.0.10`,
      `ip daddr ${lanIp} tcp dport 8082 dnat to 10.0.0.12:8080`,
      `ip daddr ${lanIp} udp dport 5354 dnat to 10.0.0.12:5353`,
      `ip daddr ${lanIp} tcp dport 8081 dnat to 10.0.0.11`,
    ];
    inNs(sbox, ['nft', '-f', '-'], `table ip sim {\n chain pre {\n  type nat hook prerouting priority dstnat;\n  ${dnat.join('\n  ')}\n }\n}\n`);
  });
  // The egress router: the tasks' default route, masquerading onto the LAN.
  const egress = ns('eg');
  veth(egress, 'eth1', `${EGRESS_LAN}/24`, lan, 'eg', null);
  onBridge(lan, 'eg');
  inNs(egress, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  inNs(egress, ['nft', '-f', '-'], 'table ip sim {\n chain post {\n  type nat hook postrouting priority srcnat;\n  oifname "eth1" masquerade\n }\n}\n');
  const tasks = PLAN.services.flatMap((s) => s.tasks);
  tasks.forEach((t, i) => {
    const tns = ns(`t${i + 1}`);
    taskNs.set(t.name, tns);
    veth(tns, 'meshc_ingress', `${t.ip}/24`, ov, `t${i + 1}`, null);
    onBridge(ov, `t${i + 1}`);
    veth(tns, 'eth1', `172.30.${i}.2/24`, egress, `t${i + 1}`, `172.30.${i}.1/24`);
    inNs(tns, ['ip', 'route', 'add', 'default', 'via', `172.30.${i}.1`]);
    // Strict reverse-path filtering: the return path must satisfy it (src_valid_mark).
    inNs(tns, ['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.meshc_ingress.rp_filter=1']);
    peerServer(tns, 'TCP4-LISTEN:80');
    // Bound to the ingress address: a UDP server must answer from the address it was asked on (docs/client-ip.md).
    peerServer(tns, `UDP4-RECVFROM:53,bind=${t.ip}`);
  });
  peerServer(client, 'TCP4-LISTEN:7000');
}

/** What apply.sh does in a preserving task (runner part client-ip): src_valid_mark, one rule and one table per node. */
function returnRoutes(tns: string): void {
  inNs(tns, ['sysctl', '-qw', 'net.ipv4.conf.meshc_ingress.src_valid_mark=1', 'net.ipv4.tcp_fwmark_accept=1']);
  for (const h of returnHops(PLAN)) {
    inNs(tns, ['ip', 'rule', 'add', 'pref', String(RETURN_RULE_PREF), 'fwmark', `${h.mark}/${h.mask}`, 'lookup', String(h.table)]);
    inNs(tns, ['ip', 'route', 'replace', 'default', 'via', h.gateway, 'dev', 'meshc_ingress', 'table', String(h.table)]);
  }
}

function load(tns: string, b: Backend, text: string): void {
  restore(tns, b, text);
  insertHooks(tns, b, hooksOf(text));
}

/** The conntrack marks in the task of connections from the client (hex, as conntrack prints them). */
function marksFromClient(tns: string, proto: string): string[] {
  const out = inNs(tns, ['conntrack', '-L', '-p', proto, '-s', CLIENT_IP], undefined, 10_000);
  return [...out.matchAll(/mark=(\d+)/g)].map((m) => `0x${Number(m[1]).toString(16)}`).sort();
}

describe.skipIf(skip !== null)(`client_ip: preserve, the task's return path in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => {
    build();
    for (const b of BACKENDS) {
      const t = TASK_OF[b.name];
      const tns = taskNs.get(t.name)!;
      load(tns, b, rulesFile(t.name));
      returnRoutes(tns);
    }
    // The control: the plain service's task keeps Swarm's rules, no return path.
    load(taskNs.get('app_plain.1')!, BACKENDS[0]!, rulesFile('app_plain.1'));
  }, 60_000);

  afterAll(() => {
    for (const s of servers) if (s.pid) spawnSync('kill', [String(s.pid)]);
    for (const n of namespaces) {
      spawnSync('sh', ['-c', `ip netns pids ${n} | xargs -r kill 2>/dev/null`]);
      deleteNs(n);
    }
  });

  describe.each(BACKENDS.map((b) => [b.name, b] as const))('task rules loaded with iptables-%s', (_name, b) => {
    const t = TASK_OF[b.name];

    it('TCP through node1 (with the replica) and node2 (without): the server sees the client, the mark names the node', () => {
      for (const lanIp of SANDBOX_LAN) {
        expect(waitFor(() => request(client, `TCP4:${lanIp}:${t.tcp}`), 3), `via ${lanIp}`).toBe(CLIENT_IP);
      }
      expect(marksFromClient(taskNs.get(t.name)!, 'tcp')).toEqual(['0x2000000', '0x3000000']);
    });

    it('UDP through both nodes: the peer is the client, each datagram answered', () => {
      for (const lanIp of SANDBOX_LAN) {
        expect(waitFor(() => udpRequest(client, `${lanIp}:${t.udp}`), 3), `via ${lanIp}`).toBe(CLIENT_IP);
      }
      expect(marksFromClient(taskNs.get(t.name)!, 'udp')).toEqual(['0x2000000', '0x3000000']);
    });

    it('leaves the task’s own outbound connection alone: unmarked, out by its default route', () => {
      const tns = taskNs.get(t.name)!;
      // The client's server reports the egress router's address: the main table was used.
      expect(waitFor(() => request(tns, `TCP4:${CLIENT_IP}:7000`), 3)).toBe(EGRESS_LAN);
      const own = inNs(tns, ['conntrack', '-L', '-p', 'tcp', '-d', CLIENT_IP, '--dport', '7000']);
      expect(own).toMatch(/dport=7000/);
      expect(own).toMatch(/mark=0 /);
    });
  });

  it('the control: without the return path the reply leaves by the default route and the client gets no answer', () => {
    expect(request(client, `TCP4:${SANDBOX_LAN[1]}:8081`)).toBe('');
  });
});

describe.skipIf(skip !== null)(`client_ip golden .nft files check and load${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'compile', 'client-ip-nftables', '_expected');
  // Each node's file as apply.sh loads it: its part, then the shared part (docs/runner.md).
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.nft') && !f.startsWith('shared/')).sort();
  const input = (file: string): string => {
    const shared = join(dir, 'shared', file.slice(file.indexOf('/') + 1));
    return readFileSync(join(dir, file), 'utf8') + (existsSync(shared) ? readFileSync(shared, 'utf8') : '');
  };
  afterAll(() => namespaces.splice(0).forEach(deleteNs));
  it('has the preserving task tables and ingress tables', () => {
    expect(files.filter((f) => f.includes('tasks/stack_echo.'))).toHaveLength(2);
  });
  it.each(files)('%s: nft -c, then loaded twice to the same ruleset', (file) => {
    const text = input(file);
    const where = nsName('nftc');
    namespaces.push(where);
    addNs(where);
    inNs(where, ['nft', '-c', '-f', '-'], text);
    inNs(where, ['nft', '-f', '-'], text);
    const first = inNs(where, ['nft', 'list', 'ruleset']);
    inNs(where, ['nft', '-f', '-'], text);
    expect(inNs(where, ['nft', 'list', 'ruleset'])).toBe(first);
    if (file.includes('stack_echo')) expect(first).toContain('ct mark set ether saddr map @return_marks');
    if (file.endsWith('ingress.nft')) expect(first).toContain('meta l4proto . th dport @preserve accept');
  });
});
