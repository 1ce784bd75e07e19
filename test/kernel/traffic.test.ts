/**
 * Real packets through emitted rules, with both iptables backends:
 *  1. task: a client reaches the task's target port through its published port (REDIRECT,
 *     tcp and udp) with the task's filter rules in place; a port it does not publish is dropped;
 *  2. host: a client reaches a stand-in ingress sandbox through a node's published port
 *     (DNAT), with the node's FORWARD policy DROP, and so does a client on the node itself,
 *     through 127.0.0.1 (OUTPUT hook + MASQUERADE). Without the FORWARD hook it fails.
 *  3. sandbox: a published port and the service VIP get the service's fwmark (seen by a probe
 *     rule after meshc's hooks); other traffic does not. (IPVS itself: the VM suite.)
 * Hooks are inserted as apply.sh inserts them. Traffic stays inside namespaces made here.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { emitRuleSets } from '../../src/emit/emit-rule-sets.js';
import type { Plan } from '../../src/model/plan.js';
import { renderNodeRules } from '../../src/render/render-rules.js';
import { addNs, BACKENDS, deleteNs, hooksOf, inNs, insertHooks, kernelSkipReason, nsName, reply, request, restore, serve, veth, waitFor, type Backend } from './netns.js';
import { planNode, port, service, SETTINGS, task } from './sample-plans.js';

const skip = kernelSkipReason();
const namespaces: string[] = [];
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) if (s.pid) process.kill(s.pid, 'SIGTERM');
  namespaces.forEach(deleteNs);
});

/** One node, one task (10.0.0.10) of `ngx`: 8888→80/tcp and 5353→53/udp. */
const PLAN: Plan = {
  stack: 'web',
  settings: SETTINGS,
  nodes: [planNode('node1', 0)],
  services: [service('web', 'ngx', 256, '10.0.0.9', [port(8888, 80), port(5353, 53, 'udp')], [task('web', 'ngx', 1, 'node1', '10.0.0.10')])],
};

function file(path: string): string {
  const n = emitRuleSets(PLAN, new DiagnosticSink()).nodes[0]!;
  return renderNodeRules(n).find((f) => f.path === path)!.content;
}

function ns(tag: string): string {
  const name = nsName(tag);
  namespaces.push(name);
  addNs(name);
  return name;
}

function apply(where: string, b: Backend, text: string): void {
  restore(where, b, text);
  insertHooks(where, b, hooksOf(text));
}

describe.skipIf(skip !== null).each(BACKENDS)(`packets through emitted rules ($name)${skip ? ` (skipped: ${skip})` : ''}`, (b) => {
  it('task: published → target by REDIRECT (tcp, udp); unpublished ports dropped', () => {
    const [client, taskNs] = [ns('c'), ns('t')];
    veth(client, 'eth0', '10.0.0.3/24', taskNs, 'eth0', '10.0.0.10/24');
    servers.push(serve(taskNs, 'TCP-LISTEN:80', 'via-80'), serve(taskNs, 'TCP-LISTEN:81', 'via-81'), serve(taskNs, 'UDP-RECVFROM:53', 'via-53'));
    // Control: the servers answer directly, and nothing listens on the published port yet.
    expect(waitFor(() => request(client, 'TCP:10.0.0.10:81'))).toBe('via-81');
    expect(request(client, 'TCP:10.0.0.10:8888')).toBe('');
    apply(taskNs, b, file('node1/tasks/web_ngx.1.rules'));
    expect(reply(client, 'TCP:10.0.0.10:8888')).toBe('via-80');
    expect(waitFor(() => request(client, 'UDP:10.0.0.10:5353'), 5)).toBe('via-53');
    expect(request(client, 'TCP:10.0.0.10:81')).toBe('');
    expect(reply(client, 'UDP:10.0.0.10:53')).toBe('via-53');
  });

  it('host: published port DNATed to the sandbox with FORWARD policy DROP, from outside and from the node itself', () => {
    const [client, node, sbox] = [ns('c'), ns('n'), ns('s')];
    veth(client, 'eth0', '192.168.60.2/24', node, 'eth0', '192.168.60.1/24');
    inNs(node, ['ip', 'link', 'add', SETTINGS.hostBridge, 'type', 'bridge']);
    inNs(node, ['ip', 'addr', 'add', `${SETTINGS.hostBridgeIp}/16`, 'dev', SETTINGS.hostBridge]);
    inNs(node, ['ip', 'link', 'set', SETTINGS.hostBridge, 'up']);
    veth(node, 'vsbox', null, sbox, 'eth1', `${SETTINGS.sandboxGatewayIp}/16`);
    inNs(node, ['ip', 'link', 'set', 'vsbox', 'master', SETTINGS.hostBridge]);
    inNs(sbox, ['ip', 'route', 'add', 'default', 'via', SETTINGS.hostBridgeIp]);
    // As on a Docker host; route_localnet is what apply.sh sets for 127.0.0.1 clients.
    inNs(node, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', `net.ipv4.conf.${SETTINGS.hostBridge}.route_localnet=1`]);
    inNs(node, [b.iptables, '-w', '-P', 'FORWARD', 'DROP']);
    servers.push(serve(sbox, 'TCP-LISTEN:8888', 'sandbox'));
    expect(waitFor(() => request(node, `TCP:${SETTINGS.sandboxGatewayIp}:8888`))).toBe('sandbox');
    expect(request(client, 'TCP:192.168.60.1:8888')).toBe('');
    const host = file('node1/host.rules');
    apply(node, b, host);
    expect(reply(client, 'TCP:192.168.60.1:8888')).toBe('sandbox');
    expect(reply(node, 'TCP:127.0.0.1:8888')).toBe('sandbox');
    expect(reply(node, 'TCP:192.168.60.1:8888')).toBe('sandbox');
    // The filter rules are what let it through: without the FORWARD hook, the DROP policy wins.
    inNs(node, [b.iptables, '-w', '-D', 'FORWARD', '-j', 'MESHC-FORWARD']);
    expect(request(client, 'TCP:192.168.60.1:8888')).toBe('');
    insertHooks(node, b, hooksOf(host));
    expect(reply(client, 'TCP:192.168.60.1:8888')).toBe('sandbox');
  });
});

/** Packets counted by the foreign probe rule `-m mark --mark <mark>` that the test appends after meshc's hook. */
function markedPackets(where: string, b: Backend, chain: string, mark: number): number {
  const line = inNs(where, [b.save, '-c', '-t', 'mangle']).split('\n').find((l) => l.includes(`-A ${chain} `) && l.includes(`--mark 0x${mark.toString(16)}`));
  return Number(/^\[(\d+):/.exec(line ?? '')?.[1] ?? NaN);
}

describe.skipIf(skip !== null).each(BACKENDS)(`sandbox marks ($name)${skip ? ` (skipped: ${skip})` : ''}`, (b) => {
  it('marks the published port (PREROUTING) and the VIP (INPUT) with the service fwmark, and nothing else', () => {
    const [client, sbox] = [ns('c'), ns('s')];
    veth(client, 'eth0', '10.0.0.3/24', sbox, 'eth0', '10.0.0.2/24');
    inNs(sbox, ['ip', 'addr', 'add', '10.0.0.9/32', 'dev', 'eth0']); // the VIP alias apply.sh adds
    inNs(client, ['ip', 'route', 'add', '10.0.0.9/32', 'dev', 'eth0']);
    // The -m ipvs SNAT rule needs IPVS, absent here; the VM suite loads the whole file.
    apply(sbox, b, file('node1/ingress.rules').split('\n').filter((l) => !l.includes(' -m ipvs ')).join('\n'));
    inNs(sbox, [b.iptables, '-w', '-t', 'mangle', '-A', 'INPUT', '-m', 'mark', '--mark', '256', '-j', 'ACCEPT']);
    const before = markedPackets(sbox, b, 'INPUT', 256);
    request(client, 'TCP:10.0.0.2:7777'); // unpublished: refused, unmarked
    expect(markedPackets(sbox, b, 'INPUT', 256)).toBe(before);
    request(client, 'TCP:10.0.0.2:8888');
    const afterPort = markedPackets(sbox, b, 'INPUT', 256);
    expect(afterPort).toBeGreaterThan(before);
    request(client, 'TCP:10.0.0.9:7777');
    expect(markedPackets(sbox, b, 'INPUT', 256)).toBeGreaterThan(afterPort);
  });
});

describe.runIf(skip !== null)('packet tests', () => {
  it(`are skipped: ${skip}`, () => expect(skip).not.toBeNull());
});
