/**
 * The generated apply.sh on the nftables dataplane, run for real on three simulated nodes
 * (network namespaces on this machine, whose kernel has nftables and no IPVS): each node
 * namespace runs its own apply.sh (MESHC_NETNS_PREFIX, MESHC_TASK_NETNS=netns, as
 * docs/runner.md describes), which builds the sandbox, the overlay namespace with its
 * VXLAN, the task links, and loads host.nft, ingress.nft and each task's file with
 * `nft -f`. Nothing here loads a rule by hand.
 *
 * Proven: `--check`/`--dry-run` on a fresh node report a change and create nothing; the
 * first apply changes (exit 2) with a rule count that does not count map elements; a
 * second apply and `--check` find nothing to do (exit 0, no rule handle moves);
 * `--dry-run` shows a changed file as a diff of the live table; a failure after a table
 * was replaced rolls it back; a file nft refuses changes nothing; TCP and UDP round robin over both tasks through every
 * node's published port, node3 (no replica) included; a `client_ip: preserve` service's
 * tasks see the client's address through every node, TCP and UDP, by the return path the
 * runner sets up, and a re-apply with it stays a no-op; a task whose namespace is absent is
 * left out of its node's service chain with a warning, and comes back; `--down` leaves each node and task
 * namespace as it found it (ruleset, foreign table included, links and ip_forward), and removes the
 * sandbox and overlay namespaces it made.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { Plan } from '../../src/model/plan.js';
import { compilePlan } from '../../src/pipeline.js';
import { addNs, deleteNs, inNs, nsName, request, serve, veth, waitFor } from './netns.js';
import { FOREIGN_NAT_TABLE, nftLoad, nftSkipReason, ruleCount, ruleset, threeNodeNftPlan } from './nft-helpers.js';
import { port, service, task } from './sample-plans.js';

const skip = nftSkipReason();
// ngx (SNATed, as Swarm does) and keep, `client_ip: preserve` (docs/client-ip.md): its tasks
// see the client's address and reply by the return path the runner sets up.
const PLAN: Plan = threeNodeNftPlan({
  ...service('web', 'keep', 257, '10.0.0.8', [port(7777, 80), port(7353, 53, 'udp')], [
    task('web', 'keep', 1, 'node1', '10.0.0.12'),
    task('web', 'keep', 2, 'node2', '10.0.0.13'),
  ]),
  clientIp: 'preserve',
});
const FOREIGN = FOREIGN_NAT_TABLE;
const TASKS = PLAN.services[0]!.tasks;
const KEEP = PLAN.services[1]!.tasks;
const ALL_TASKS = [...TASKS, ...KEEP];
const CLIENT_IP = '192.168.56.100';

interface SimNode {
  readonly name: string;
  readonly ns: string;
  readonly prefix: string;
  readonly address: string;
}
const created: string[] = [];
const servers: ChildProcess[] = [];
const nodes: SimNode[] = [];
const before = new Map<string, string>(); // namespace → ruleset and links before meshc
let out = '';
let client = '';

function ns(name: string): string {
  created.push(name);
  addNs(name);
  return name;
}

/** What --down must give back: the namespace's whole ruleset, links (names, no counters), policy routing. */
function snapshot(name: string): string {
  const links = inNs(name, ['ip', '-o', 'link', 'show']).split('\n').map((l) => l.split(':')[1]?.trim() ?? '').sort().join(' ');
  const forwarding = inNs(name, ['cat', '/proc/sys/net/ipv4/ip_forward']).trim();
  const routing = `${inNs(name, ['ip', '-4', 'rule', 'show'])}${inNs(name, ['ip', '-4', 'route', 'show', 'table', 'all'])}`;
  return `${ruleset(name)}\n--\n${links}\n-- ip_forward ${forwarding}\n${routing}`;
}

function applySh(node: SimNode, ...args: string[]): { status: number | null; summary: Record<string, unknown>; err: string } {
  const r = spawnSync('nsenter', [`--net=/run/netns/${node.ns}`, 'env', `MESHC_NETNS_PREFIX=${node.prefix}`, 'MESHC_TASK_NETNS=netns',
    'bash', join(out, node.name, 'apply.sh'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '{}';
  return { status: r.status, summary: JSON.parse(last.startsWith('{') ? last : '{}') as Record<string, unknown>, err: r.stderr ?? '' };
}

function netnsList(): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

/** `count` requests from the client to `address`; the replies in order ('' for none). */
function replies(address: string, count: number): string[] {
  return Array.from({ length: count }, () => waitFor(() => request(client, address), 3));
}

describe.skipIf(skip !== null)(`apply.sh on the nftables dataplane, 3 nodes in namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const compiled = await compilePlan(PLAN, new DiagnosticSink());
    if (!compiled) throw new Error('compile failed');
    out = mkdtempSync(join(tmpdir(), 'meshc-nft-apply-'));
    for (const f of compiled.files) {
      mkdirSync(dirname(join(out, f.path)), { recursive: true });
      writeFileSync(join(out, f.path), f.content);
      chmodSync(join(out, f.path), f.mode);
    }
    const lan = ns(nsName('lan'));
    inNs(lan, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    inNs(lan, ['ip', 'link', 'set', 'br0', 'up']);
    client = ns(nsName('cl'));
    veth(client, 'eth0', '192.168.56.100/24', lan, 'cl', null);
    inNs(lan, ['ip', 'link', 'set', 'cl', 'master', 'br0']);
    PLAN.nodes.forEach((pn, i) => {
      const node = ns(nsName(`n${i + 1}`));
      veth(node, 'eth0', `${pn.address}/24`, lan, `n${i + 1}`, null);
      inNs(lan, ['ip', 'link', 'set', `n${i + 1}`, 'master', 'br0']);
      const prefix = `${node}-`;
      nftLoad(node, FOREIGN);
      before.set(node, snapshot(node));
      for (const t of ALL_TASKS.filter((x) => x.node === pn.name)) {
        const tns = ns(`${prefix}${t.name}`);
        nftLoad(tns, FOREIGN);
        if (KEEP.includes(t)) {
          // A default route elsewhere, as every Docker container has (docker_gwbridge): a UDP
          // reply's first route lookup (mark 0) needs one (docs/client-ip.md).
          inNs(tns, ['ip', 'link', 'add', 'gw0', 'type', 'veth', 'peer', 'name', 'gw1']);
          inNs(tns, ['ip', 'addr', 'add', '172.31.0.2/24', 'dev', 'gw0']);
          for (const dev of ['gw0', 'gw1']) inNs(tns, ['ip', 'link', 'set', dev, 'up']);
          inNs(tns, ['ip', 'route', 'add', 'default', 'via', '172.31.0.1']);
          // The UDP server binds the task's ingress address (so its replies leave from it, as
          // conntrack expects), which the runner adds later.
          inNs(tns, ['sysctl', '-qw', 'net.ipv4.ip_nonlocal_bind=1']);
        }
        before.set(tns, snapshot(tns));
        // Replies: the task's name, and for keep the peer address it saw.
        const reply = KEEP.includes(t) ? `${t.name} "$SOCAT_PEERADDR"` : t.name;
        const udp = KEEP.includes(t) ? `UDP-RECVFROM:53,bind=${t.ip}` : 'UDP-RECVFROM:53';
        servers.push(serve(tns, 'TCP-LISTEN:80', reply), serve(tns, udp, reply));
      }
      nodes.push({ name: pn.name, ns: node, prefix, address: pn.address });
    });
  }, 60_000);

  afterAll(() => {
    for (const s of servers) if (s.pid) spawnSync('kill', [String(s.pid)]);
    for (const n of nodes) {
      for (const left of netnsList().filter((x) => x.startsWith(n.prefix))) deleteNs(left);
    }
    for (const name of created.reverse()) deleteNs(name);
  });

  it('--check and --dry-run on a fresh node: exit 2, nothing created', { timeout: 120_000 }, () => {
    const n = nodes[2]!;
    for (const mode of ['--check', '--dry-run']) {
      const r = applySh(n, mode);
      expect(r.status, r.err).toBe(2);
      expect(r.summary).toMatchObject({ changed: true, errors: [] });
    }
    expect(netnsList().filter((x) => x.startsWith(n.prefix))).toEqual([]);
    expect(snapshot(n.ns)).toBe(before.get(n.ns));
  });

  it('first apply builds each node (exit 2) on a kernel without IPVS', { timeout: 240_000 }, () => {
    for (const n of nodes) {
      const r = applySh(n);
      expect(r.status, `${n.name}: ${r.err}`).toBe(2);
      expect(r.summary).toMatchObject({ node: n.name, mode: 'apply', changed: true, errors: [] });
      // Rules, not map elements: the kernel's own count of rules in meshc's tables on the node.
      const here = ALL_TASKS.filter((t) => t.node === n.name);
      const live = ruleCount(n.ns, 'inet', 'meshc_host') + ruleCount(`${n.prefix}ingress_sbox`, 'inet', 'meshc_ingress') +
        here.reduce((sum, t) => sum + ruleCount(`${n.prefix}${t.name}`, 'inet', 'meshc_task'), 0);
      expect(r.summary.rules, n.name).toBe(live);
      expect(ruleset(n.ns)).toContain('table inet meshc_host');
      expect(ruleset(`${n.prefix}ingress_sbox`)).toContain('table inet meshc_ingress');
    }
  });

  it('a second apply and --check find nothing to do (exit 0), and no rule handle moves', { timeout: 240_000 }, () => {
    for (const n of nodes) {
      const handles = spawnSync('nsenter', [`--net=/run/netns/${n.prefix}ingress_sbox`, 'nft', '-a', 'list', 'ruleset'], { encoding: 'utf8' }).stdout;
      const again = applySh(n);
      expect(again.status, again.err).toBe(0);
      expect(again.summary).toMatchObject({ changed: false, errors: [] });
      const check = applySh(n, '--check');
      expect(check.status, check.err).toBe(0);
      expect(check.summary).toMatchObject({ mode: 'check', changed: false, errors: [] });
      expect(spawnSync('nsenter', [`--net=/run/netns/${n.prefix}ingress_sbox`, 'nft', '-a', 'list', 'ruleset'], { encoding: 'utf8' }).stdout).toBe(handles);
    }
  });

  it('--dry-run prints a changed file as a diff of the live table; a failure mid-apply rolls back; a broken file changes nothing', { timeout: 240_000 }, () => {
    const n = nodes[0]!;
    // The host table every node loads alike is in the shared folder (docs/runner.md).
    const host = join(out, 'shared', 'host.nft');
    const runner = join(out, n.name, 'apply.sh');
    const original = readFileSync(host, 'utf8');
    const originalRunner = readFileSync(runner, 'utf8');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    /** An edited shared file, and this node's apply.sh recording its sha256 (as a recompile would). */
    const editShared = (text: string) => {
      writeFileSync(host, text);
      writeFileSync(runner, originalRunner.replace(`  ${sha(original)}\n`, `  ${sha(text)}\n`));
    };
    const was = ruleset(n.ns);
    try {
      // A shared folder from another compile (its sha256 not the one recorded) is refused before anything is touched.
      writeFileSync(host, original.replace('"web published ports"', '"web published ports, edited"'));
      const foreign = applySh(n);
      expect(foreign.status).toBe(1);
      expect(JSON.stringify(foreign.summary.errors)).toContain('shared/host.nft is not the file this apply.sh was compiled with');
      expect(ruleset(n.ns)).toBe(was);
      editShared(original.replace('"web published ports"', '"web published ports, edited"'));
      const dry = spawnSync('nsenter', [`--net=/run/netns/${n.ns}`, 'env', `MESHC_NETNS_PREFIX=${n.prefix}`, 'MESHC_TASK_NETNS=netns',
        'bash', join(out, n.name, 'apply.sh'), '--dry-run'], { encoding: 'utf8', timeout: 120_000 });
      expect(dry.status, dry.stderr).toBe(2);
      expect(dry.stdout).toMatch(/^-.*dnat ip to 172\.18\.0\.2 comment "web published ports"$/m);
      expect(dry.stdout).toMatch(/^\+.*comment "web published ports, edited"$/m);
      expect(applySh(n, '--check').status).toBe(2);
      // The host table is replaced at rules-host, then the run fails at rules-task: rolled back.
      const failed = spawnSync('nsenter', [`--net=/run/netns/${n.ns}`, 'env', `MESHC_NETNS_PREFIX=${n.prefix}`, 'MESHC_TASK_NETNS=netns',
        'MESHC_TEST_FAIL_AT=rules-task', 'bash', join(out, n.name, 'apply.sh')], { encoding: 'utf8', timeout: 120_000 });
      expect(failed.status, failed.stderr).toBe(1);
      expect(failed.stderr).toContain('rolled back');
      expect(ruleset(n.ns)).toBe(was);
      // A file nft refuses fails before anything is touched.
      editShared(`${original}\nadd rule inet meshc_host nosuchchain accept\n`);
      const broken = applySh(n);
      expect(broken.status).toBe(1);
      expect(JSON.stringify(broken.summary.errors)).toContain('does not load');
      expect(ruleset(n.ns)).toBe(was);
    } finally {
      writeFileSync(host, original);
      writeFileSync(runner, originalRunner);
    }
    expect(applySh(n, '--check').status).toBe(0);
  });

  it('round robin over both tasks through every node (node3 has none), TCP and UDP', { timeout: 120_000 }, () => {
    for (const n of nodes) {
      const tcp = replies(`TCP:${n.address}:8888`, 4);
      expect(new Set(tcp), `${n.name} tcp ${tcp.join(',')}`).toEqual(new Set(['web_ngx.1', 'web_ngx.2']));
      expect(tcp[0], `${n.name}: alternates`).not.toBe(tcp[1]);
      // A new source port per request: a new conntrack flow, so a new round-robin pick.
      const udp = replies(`UDP:${n.address}:5353`, 4);
      expect(new Set(udp), `${n.name} udp ${udp.join(',')}`).toEqual(new Set(['web_ngx.1', 'web_ngx.2']));
    }
  });

  it('client_ip: preserve through apply.sh: keep\'s tasks see the client through every node (node3 has none), TCP and UDP, both tasks', { timeout: 120_000 }, () => {
    for (const n of nodes) {
      for (const proto of ['TCP', 'UDP'] as const) {
        const got = replies(`${proto}:${n.address}:${proto === 'TCP' ? 7777 : 7353}`, 4);
        expect(got.map((r) => r.split(' ')[1]), `${n.name} ${proto} ${got.join(',')}`).toEqual(Array(4).fill(CLIENT_IP));
        expect(new Set(got.map((r) => r.split(' ')[0])), `${n.name} ${proto}`).toEqual(new Set(KEEP.map((t) => t.name)));
      }
    }
    // And the runner's re-apply is still a no-op with the return path in place.
    for (const n of nodes) {
      const again = applySh(n);
      expect(again.status, again.err).toBe(0);
    }
  });

  it('a task whose namespace is absent is left out of its node\'s round robin with a warning (the weight 0 of IPVS), and comes back', { timeout: 240_000 }, () => {
    const n = nodes[1]!;
    const t = TASKS.find((x) => x.node === n.name)!;
    const tns = `${n.prefix}${t.name}`;
    const chain = () => inNs(`${n.prefix}ingress_sbox`, ['nft', 'list', 'chain', 'inet', 'meshc_ingress', 'svc_256']);
    // The name goes, the namespace stays (its servers hold it): `ip netns attach` brings it back.
    const holder = spawnSync('ip', ['netns', 'pids', tns], { encoding: 'utf8' }).stdout.trim().split('\n')[0]!;
    expect(holder).toMatch(/^\d+$/);
    spawnSync('ip', ['netns', 'del', tns]);
    try {
      const r = applySh(n);
      expect(r.status, r.err).toBe(2);
      expect(r.summary.warnings).toEqual([`task ${t.name}: container absent, it gets no traffic from this node (left out of its service chain)`]);
      expect(chain()).toContain('dnat ip to numgen inc mod 1 map { 0 : 10.0.0.10 }');
      // Every new connection through node2 reaches the live task: none goes to the absent one.
      const got = Array.from({ length: 4 }, () => request(client, `TCP:${n.address}:8888`));
      expect(got).toEqual(Array(4).fill('web_ngx.1'));
      const again = applySh(n);
      expect(again.status, again.err).toBe(0);
    } finally {
      spawnSync('ip', ['netns', 'attach', tns, holder]);
    }
    const back = applySh(n);
    expect(back.status, back.err).toBe(2);
    expect(back.summary.warnings).toEqual([]);
    expect(chain()).toContain('dnat ip to numgen inc mod 2 map { 0 : 10.0.0.10, 1 : 10.0.0.11 }');
    // The runner made the task's veth anew; its MAC is derived from its address, as Docker's
    // overlay driver does, so the sandbox's neighbour entry from before is still right and
    // the task answers at once (with a new random MAC, new connections to it were lost for
    // up to ~45 s, until that entry expired).
    expect(new Set(replies(`TCP:${n.address}:8888`, 4))).toEqual(new Set(['web_ngx.1', 'web_ngx.2']));
    const o = t.ip!.split('.').map((x) => Number(x).toString(16).padStart(2, '0'));
    expect(inNs(tns, ['ip', '-o', 'link', 'show', 'meshc_ingress'])).toContain(`link/ether 02:42:${o.join(':')} `);
  });

  it('--down leaves every node and task namespace as it was, foreign table included', { timeout: 240_000 }, () => {
    for (const n of nodes) {
      const r = applySh(n, '--down');
      expect(r.status, r.err).toBe(2);
      expect(r.summary).toMatchObject({ mode: 'down', errors: [] });
      expect(applySh(n, '--down').status).toBe(0);
      expect(netnsList().filter((x) => x.startsWith(n.prefix) && !ALL_TASKS.some((t) => x === `${n.prefix}${t.name}`))).toEqual([]);
    }
    for (const [name, was] of before) expect(snapshot(name), name).toBe(was);
  });
});
