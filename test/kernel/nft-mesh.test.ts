/**
 * The whole routing mesh on the nftables dataplane, in network namespaces on this
 * machine (no IPVS anywhere): a LAN bridge, a client, three nodes, each with its host
 * bridge and ingress sandbox, two tasks (on node1 and node2; node3 has none), and the
 * ingress overlay as VXLAN (VNI 4096, UDP 4789) between the nodes, as the runner builds it.
 *
 * Proven: TCP and UDP round robin through every node's published port, node3 included;
 * node-local clients (own address and 127.0.0.1); re-applying every file changes no
 * ruleset; health failover by one transaction on the service chain, with the dead
 * backend's UDP conntrack entries flushed (moby#36878) so the next datagram of the same
 * flow reaches the live task; a broken file changes nothing and the node keeps serving;
 * taking meshc's tables down gives back each namespace's ruleset exactly, foreign
 * table included. A second service, `keep`, has `client_ip: preserve` (docs/client-ip.md):
 * its task servers report the peer address, which is the client's through every node
 * (node3 has no replica), TCP and UDP, round robin kept; `ngx` is still SNATed to the
 * sandbox. The sandboxes get the MAC the runner gives them, the keep tasks the runner's
 * ip rules and routes (one per node).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickTransaction } from '../../src/render/render-nft.js';
import type { Plan } from '../../src/model/plan.js';
import { RETURN_RULE_PREF, returnHops, sandboxMac } from '../../src/emit/client-ip.js';
import { addNs, deleteNs, inNs, nsName, request, serve, veth, waitFor } from './netns.js';
import { FOREIGN_NAT_TABLE, nftFiles, nftLoad, ruleset, nftSkipReason, threeNodeNftPlan } from './nft-helpers.js';
import { port, service, SETTINGS, task } from './sample-plans.js';

const skip = nftSkipReason();
const namespaces: string[] = [];
const servers: ChildProcess[] = [];
const udpServers = new Map<string, ChildProcess>();

const PLAN: Plan = threeNodeNftPlan(
  {
    ...service('web', 'keep', 257, '10.0.0.8', [port(7777, 80), port(7353, 53, 'udp')], [
      task('web', 'keep', 1, 'node1', '10.0.0.12'),
      task('web', 'keep', 2, 'node2', '10.0.0.13'),
    ]),
    clientIp: 'preserve',
  },
);
const CLIENT_IP = '192.168.60.100';
const FOREIGN = FOREIGN_NAT_TABLE;

interface NodeNs {
  readonly name: string;
  readonly ns: string;
  readonly sbox: string;
  readonly lanIp: string;
}
const nodes: NodeNs[] = [];
const tasks = new Map<string, string>(); // task name → namespace
let client = '';
const before = new Map<string, string>(); // namespace → ruleset before meshc

function ns(tag: string): string {
  const name = nsName(tag);
  namespaces.push(name);
  addNs(name);
  return name;
}

function fileText(path: string): string {
  const f = nftFiles(PLAN).find((x) => x.path === path);
  if (!f) throw new Error(`no file ${path}`);
  return f.content;
}

/** Every namespace meshc writes to, with the file it gets. */
function targets(): { ns: string; path: string }[] {
  return nodes.flatMap((n) => [
    { ns: n.ns, path: `${n.name}/host.nft` },
    { ns: n.sbox, path: `${n.name}/ingress.nft` },
    ...PLAN.services.flatMap((svc) => svc.tasks).filter((t) => t.node === n.name).map((t) => ({ ns: tasks.get(t.name)!, path: `${n.name}/tasks/${t.name}.nft` })),
  ]);
}

function build(): void {
  const lan = ns('lan');
  inNs(lan, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  inNs(lan, ['ip', 'link', 'set', 'br0', 'up']);
  client = ns('cl');
  veth(client, 'eth0', '192.168.60.100/24', lan, 'cl', null);
  inNs(lan, ['ip', 'link', 'set', 'cl', 'master', 'br0']);
  PLAN.nodes.forEach((pn, i) => {
    const node = ns(`n${i + 1}`);
    const sbox = ns(`s${i + 1}`);
    const lanIp = `192.168.60.${11 + i}`;
    veth(node, 'eth0', `${lanIp}/24`, lan, `n${i + 1}`, null);
    inNs(lan, ['ip', 'link', 'set', `n${i + 1}`, 'master', 'br0']);
    // Host side: the gateway bridge and the sandbox's leg on it (the DNAT target).
    inNs(node, ['ip', 'link', 'add', SETTINGS.hostBridge, 'type', 'bridge']);
    inNs(node, ['ip', 'addr', 'add', `${SETTINGS.hostBridgeIp}/16`, 'dev', SETTINGS.hostBridge]);
    inNs(node, ['ip', 'link', 'set', SETTINGS.hostBridge, 'up']);
    veth(node, 'vsbox', null, sbox, 'eth1', `${SETTINGS.sandboxGatewayIp}/16`);
    inNs(node, ['ip', 'link', 'set', 'vsbox', 'master', SETTINGS.hostBridge]);
    inNs(sbox, ['ip', 'route', 'add', 'default', 'via', SETTINGS.hostBridgeIp]);
    inNs(node, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', `net.ipv4.conf.${SETTINGS.hostBridge}.route_localnet=1`]);
    inNs(sbox, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // Overlay: a bridge per node with a VXLAN port flooding to the other nodes.
    inNs(node, ['ip', 'link', 'add', 'ov0', 'type', 'bridge']);
    inNs(node, ['ip', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', String(SETTINGS.vni), 'dstport', String(SETTINGS.vxlanPort), 'local', lanIp, 'dev', 'eth0']);
    inNs(node, ['ip', 'link', 'set', 'vx0', 'master', 'ov0']);
    for (let j = 0; j < PLAN.nodes.length; j++) {
      if (j !== i) inNs(node, ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', `192.168.60.${11 + j}`]);
    }
    inNs(node, ['ip', 'link', 'set', 'vx0', 'up']);
    inNs(node, ['ip', 'link', 'set', 'ov0', 'up']);
    veth(node, 'vsbox-ov', null, sbox, 'eth0', `${pn.ingressIp}/24`);
    inNs(node, ['ip', 'link', 'set', 'vsbox-ov', 'master', 'ov0']);
    // The runner (part client-ip) gives the sandbox's ingress interface its planned MAC.
    inNs(sbox, ['ip', 'link', 'set', 'eth0', 'address', sandboxMac(pn)]);
    for (const t of PLAN.services[1]!.tasks.filter((x) => x.node === pn.name)) {
      const tns = ns(`k${t.slot}`);
      veth(node, `vk${t.slot}`, null, tns, 'eth0', `${t.ip}/24`);
      inNs(node, ['ip', 'link', 'set', `vk${t.slot}`, 'master', 'ov0']);
      tasks.set(t.name, tns);
      // What apply.sh does in a preserving task: src_valid_mark, one ip rule and one table per node.
      inNs(tns, ['sysctl', '-qw', 'net.ipv4.conf.eth0.src_valid_mark=1', 'net.ipv4.tcp_fwmark_accept=1']);
      // A default route elsewhere, as every Docker container has (docker_gwbridge): a UDP
      // reply's first route lookup (mark 0) needs one (docs/client-ip.md).
      inNs(tns, ['ip', 'link', 'add', 'gw0', 'type', 'veth', 'peer', 'name', 'gw1']);
      inNs(tns, ['ip', 'addr', 'add', '172.31.0.2/24', 'dev', 'gw0']);
      for (const dev of ['gw0', 'gw1']) inNs(tns, ['ip', 'link', 'set', dev, 'up']);
      inNs(tns, ['ip', 'route', 'add', 'default', 'via', '172.31.0.1']);
      for (const h of returnHops(PLAN)) {
        inNs(tns, ['ip', 'rule', 'add', 'pref', String(RETURN_RULE_PREF), 'fwmark', `${h.mark}/${h.mask}`, 'lookup', String(h.table)]);
        inNs(tns, ['ip', 'route', 'replace', 'default', 'via', h.gateway, 'dev', 'eth0', 'table', String(h.table)]);
      }
      // The servers answer with their task name and the peer address they saw.
      for (const address of ['TCP-LISTEN:80', `UDP-RECVFROM:53,bind=${t.ip}`]) {
        const peer = spawn('ip', ['netns', 'exec', tns, 'socat', `${address},fork,reuseaddr`, `SYSTEM:read -r line; echo ${t.name} "$SOCAT_PEERADDR"`], { stdio: 'ignore' });
        peer.unref();
        servers.push(peer);
      }
    }
    for (const t of PLAN.services[0]!.tasks.filter((x) => x.node === pn.name)) {
      const tns = ns(`t${t.slot}`);
      veth(node, `vt${t.slot}`, null, tns, 'eth0', `${t.ip}/24`);
      inNs(node, ['ip', 'link', 'set', `vt${t.slot}`, 'master', 'ov0']);
      tasks.set(t.name, tns);
      const udp = serve(tns, 'UDP-RECVFROM:53', t.name);
      udpServers.set(t.name, udp);
      servers.push(serve(tns, 'TCP-LISTEN:80', t.name), udp);
    }
    nodes.push({ name: pn.name, ns: node, sbox, lanIp });
  });
  for (const t of targets()) {
    nftLoad(t.ns, FOREIGN);
    before.set(t.ns, ruleset(t.ns));
  }
}

function applyAll(): void {
  for (const t of targets()) nftLoad(t.ns, fileText(t.path));
}

/** `count` requests from `from`; the replies, in order ('' for none). */
function replies(from: string, address: string, count: number): string[] {
  return Array.from({ length: count }, () => waitFor(() => request(from, address), 3));
}

const TASK1 = 'web_ngx.1';
const TASK2 = 'web_ngx.2';

describe.skipIf(skip !== null)(`the mesh on nftables, 3 nodes in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => {
    build();
    // Control: the task answers over the overlay from another node's sandbox, before any rule.
    expect(waitFor(() => request(nodes[2]!.sbox, 'TCP:10.0.0.10:80'), 30)).toBe(TASK1);
    expect(request(client, `TCP:${nodes[0]!.lanIp}:8888`)).toBe('');
    applyAll();
  }, 120_000);
  afterAll(() => {
    for (const s of servers) if (s.pid) process.kill(s.pid, 'SIGTERM');
    namespaces.forEach(deleteNs);
  });

  it('round robin over both tasks for TCP and UDP through every node, node3 (no replica) included', () => {
    for (const n of nodes) {
      const tcp = replies(client, `TCP:${n.lanIp}:8888`, 4);
      expect(new Set(tcp), `${n.name} tcp ${tcp.join(',')}`).toEqual(new Set([TASK1, TASK2]));
      expect(tcp[0], n.name).not.toBe(tcp[1]);
      expect(tcp[2]).toBe(tcp[0]);
      const udp = replies(client, `UDP:${n.lanIp}:5353`, 4);
      expect(new Set(udp), `${n.name} udp ${udp.join(',')}`).toEqual(new Set([TASK1, TASK2]));
    }
  });

  it('client_ip: preserve — the keep tasks see the client through every node (node3 has no replica), TCP and UDP, round robin', () => {
    const KEEP = ['web_keep.1', 'web_keep.2'];
    for (const n of nodes) {
      for (const [proto, port] of [['TCP', 7777], ['UDP', 7353]] as const) {
        const got = replies(client, `${proto}:${n.lanIp}:${port}`, 4);
        expect(got.map((r) => r.split(' ')[1]), `${n.name} ${proto} ${got.join(',')}`).toEqual([CLIENT_IP, CLIENT_IP, CLIENT_IP, CLIENT_IP]);
        expect(new Set(got.map((r) => r.split(' ')[0])), `${n.name} ${proto}`).toEqual(new Set(KEEP));
      }
    }
    // Each keep task marked its connections with the node they came by: all three nodes.
    const marks = inNs(tasks.get('web_keep.1')!, ['conntrack', '-L', '-p', 'tcp', '-s', CLIENT_IP]);
    expect(new Set([...marks.matchAll(/mark=(\d+)/g)].map((m) => Number(m[1]).toString(16)))).toEqual(new Set(['2000000', '3000000', '4000000']));
  });

  it('the plain service in the same stack is still SNATed: its task sees the sandbox, not the client', () => {
    expect(new Set(replies(client, `TCP:${nodes[2]!.lanIp}:8888`, 2))).toEqual(new Set([TASK1, TASK2]));
    const seen = inNs(tasks.get(TASK1)!, ['conntrack', '-L', '-p', 'tcp', '--orig-port-dst', '8888']);
    expect(seen).toMatch(/src=10\.0\.0\.4 /);
    expect(seen).not.toContain(`src=${CLIENT_IP} `);
  });

  it('node-local clients: the node own address and 127.0.0.1', () => {
    for (const n of nodes) {
      expect(new Set(replies(n.ns, `TCP:127.0.0.1:8888`, 2)), n.name).toEqual(new Set([TASK1, TASK2]));
      expect(new Set(replies(n.ns, `TCP:${n.lanIp}:8888`, 2)), n.name).toEqual(new Set([TASK1, TASK2]));
    }
  });

  it('an unpublished port is not forwarded, and a task port is not reachable around the mesh', () => {
    expect(request(client, `TCP:${nodes[0]!.lanIp}:8889`)).toBe('');
    // The task filter drops ports it does not publish, even from the overlay.
    servers.push(serve(tasks.get(TASK1)!, 'TCP-LISTEN:81', 'leak'));
    spawnSync('sleep', ['0.3']);
    expect(request(nodes[2]!.sbox, 'TCP:10.0.0.10:81')).toBe('');
  });

  it('re-applying every file leaves every ruleset as it was', () => {
    const first = targets().map((t) => ruleset(t.ns));
    applyAll();
    expect(targets().map((t) => ruleset(t.ns))).toEqual(first);
  });

  it('an established TCP connection keeps its backend across a re-apply', async () => {
    const conn = spawn('ip', ['netns', 'exec', client, 'socat', '-T', '8', '-', `TCP:${nodes[2]!.lanIp}:8888`], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    conn.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 500));
    applyAll();
    conn.stdin.end('hi\n');
    await new Promise((r) => conn.on('close', r));
    expect([TASK1, TASK2]).toContain(out.trim());
  });

  it('health failover: one transaction takes task 2 out; its UDP conntrack entries are flushed; it comes back', () => {
    const n3 = nodes[2]!;
    // A UDP flow from a fixed source port, pinned by conntrack to whichever task it got.
    const flow = () => waitFor(() => request(client, `UDP:${n3.lanIp}:5353,sourceport=40053,reuseaddr`), 3);
    let pinned = flow();
    for (let i = 0; i < 3 && pinned !== TASK2; i++) {
      inNs(n3.sbox, ['conntrack', '-D', '-p', 'udp', '--orig-port-src', '40053'], undefined, 5000);
      pinned = flow();
    }
    expect(pinned).toBe(TASK2);
    // Task 2's UDP service dies; the agent takes it out of the service chain on this node.
    const dead = udpServers.get(TASK2)!;
    if (dead.pid) process.kill(dead.pid, 'SIGTERM');
    spawnSync('sleep', ['0.3']);
    inNs(n3.sbox, ['nft', '-f', '-'], pickTransaction('meshc_ingress', 'svc_256', ['10.0.0.10'], 'web/ngx round robin'));
    // Without the flush the flow stays pinned to the dead task (moby#36878): no answer.
    expect(inNs(n3.sbox, ['conntrack', '-L', '-p', 'udp', '--reply-src', '10.0.0.11'])).toContain('40053');
    expect(request(client, `UDP:${n3.lanIp}:5353,sourceport=40053,reuseaddr`)).toBe('');
    inNs(n3.sbox, ['sh', '-c', 'conntrack -D -p udp --reply-src 10.0.0.11 || true']);
    expect(inNs(n3.sbox, ['sh', '-c', 'conntrack -L -p udp --reply-src 10.0.0.11 2>/dev/null || true'])).not.toContain('40053');
    expect(flow()).toBe(TASK1);
    expect(new Set(replies(client, `TCP:${n3.lanIp}:8888`, 4))).toEqual(new Set([TASK1]));
    // Healthy again: back in the rotation, and the chain reads as the file wrote it.
    servers.push(serve(tasks.get(TASK2)!, 'UDP-RECVFROM:53', TASK2));
    inNs(n3.sbox, ['nft', '-f', '-'], pickTransaction('meshc_ingress', 'svc_256', ['10.0.0.10', '10.0.0.11'], 'web/ngx round robin'));
    expect(new Set(replies(client, `TCP:${n3.lanIp}:8888`, 4))).toEqual(new Set([TASK1, TASK2]));
    const listed = inNs(n3.sbox, ['nft', 'list', 'chain', 'inet', 'meshc_ingress', 'svc_256']);
    expect(listed).toContain('dnat ip to numgen inc mod 2 map { 0 : 10.0.0.10, 1 : 10.0.0.11 }');
    expect(new Set(replies(client, `UDP:${n3.lanIp}:5353`, 4))).toEqual(new Set([TASK1, TASK2]));
  });

  it('a broken file is refused whole: the namespace stays byte-identical and keeps serving', () => {
    const n1 = nodes[0]!;
    const was = ruleset(n1.sbox);
    const broken = fileText('node1/ingress.nft').replace('snat ip to', 'snat ip too');
    const r = spawnSync('ip', ['netns', 'exec', n1.sbox, 'nft', '-f', '-'], { input: broken, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(ruleset(n1.sbox)).toBe(was);
    // A file that parses but fails in the kernel (a map element of the wrong type) too.
    const badValue = fileText('node1/ingress.nft').replace('10.0.0.9 : goto svc_256', '10.0.0.9 : goto svc_999');
    expect(spawnSync('ip', ['netns', 'exec', n1.sbox, 'nft', '-f', '-'], { input: badValue }).status).not.toBe(0);
    expect(ruleset(n1.sbox)).toBe(was);
    expect(new Set(replies(client, `TCP:${n1.lanIp}:8888`, 2))).toEqual(new Set([TASK1, TASK2]));
  });

  it('deleting meshc tables gives back each namespace exactly as it was, foreign table included', () => {
    for (const t of targets()) {
      const table = /^table inet (\S+) \{/m.exec(fileText(t.path))?.[1] ?? '';
      inNs(t.ns, ['nft', 'delete', 'table', 'inet', table]);
      expect(ruleset(t.ns), t.path).toBe(before.get(t.ns));
      expect(ruleset(t.ns)).toContain('table ip foreign_keep');
    }
    expect(request(client, `TCP:${nodes[0]!.lanIp}:8888`)).toBe('');
  });
});
