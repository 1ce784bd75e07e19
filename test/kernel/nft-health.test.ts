/**
 * The health agent on the nftables dataplane, for real (no stub): the node's ingress.nft
 * loaded in a sandbox namespace, two tasks behind it, the generated agent run in
 * `--once` rounds. A task that stops answering leaves its service chain's round robin in
 * one transaction and its UDP conntrack entries are deleted (moby#36878); when it answers
 * again it comes back, and the chain reads exactly as the compiled file wrote it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan, PlanHealth } from '../../src/model/plan.js';
import { renderHealthAgent, renderHealthAgentBody } from '../../src/render/render-health.js';
import { nodeOnly } from '../unit/health-fixture.js';
import { inNs } from './netns.js';
import { asNftables, nftFiles, nftLoad, nftSkipReason } from './nft-helpers.js';
import { planNode, port, service, SETTINGS, task } from './sample-plans.js';

const skip = nftSkipReason();
const PREFIX = `nh${process.pid}-`;
const SBOX = `${PREFIX}ingress_sbox`;
const TASKS: Record<string, string> = { 'hc_web.1': '10.0.0.11', 'hc_web.2': '10.0.0.12' };
const dir = mkdtempSync(join(tmpdir(), 'meshc-nft-health-'));
const servers = new Map<string, ChildProcess>();
const HEALTH: PlanHealth = { kind: 'tcp', intervalMs: 1000, timeoutMs: 1000, retries: 2, startPeriodMs: 0 };

const PLAN: Plan = asNftables({
  stack: 'hc',
  settings: SETTINGS,
  nodes: [planNode('node1', 0), planNode('node2', 1)],
  services: [
    {
      ...service('hc', 'web', 259, '10.0.0.10', [port(8080, 80), port(5353, 53, 'udp')], [task('hc', 'web', 1, 'node1', '10.0.0.11'), task('hc', 'web', 2, 'node2', '10.0.0.12')]),
      health: HEALTH,
    },
  ],
});

function serve(t: string): void {
  const child = spawn('ip', ['netns', 'exec', PREFIX + t, 'socat', 'TCP-LISTEN:80,fork,reuseaddr', 'EXEC:cat'], { stdio: 'ignore' });
  servers.set(t, child);
  for (let i = 0; i < 50 && !inNs(PREFIX + t, ['ss', '-ltnH']).includes(':80 '); i++) spawnSync('sleep', ['0.05']);
}

function stop(t: string): void {
  const child = servers.get(t);
  if (child?.pid) process.kill(child.pid, 'SIGKILL');
  servers.delete(t);
}

let agent = '';
function round(): string[] {
  const env = { ...process.env, MESHC_NETNS_PREFIX: PREFIX, MESHC_TASK_NETNS: 'netns', MESHC_LOCK_DIR: dir };
  const r = spawnSync('bash', [agent, '--once', '--state', `${dir}/agent.state`], { env, encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

const chain = () => inNs(SBOX, ['nft', 'list', 'chain', 'inet', 'meshc_ingress', 'svc_259']);
const udpFlows = (ip: string) => inNs(SBOX, ['sh', '-c', `conntrack -L -p udp --reply-src ${ip} 2>/dev/null || true`]);

describe.skipIf(skip !== null)(`health agent on nftables (netns, real nft and conntrack)${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 60_000 }, () => {
  let compiled = '';
  beforeAll(() => {
    spawnSync('ip', ['netns', 'add', SBOX]);
    inNs(SBOX, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
    inNs(SBOX, ['ip', 'addr', 'add', '10.0.0.2/24', 'dev', 'br0']);
    inNs(SBOX, ['ip', 'link', 'set', 'br0', 'up']);
    Object.entries(TASKS).forEach(([t, ip], i) => {
      const ns = PREFIX + t;
      spawnSync('ip', ['netns', 'add', ns]);
      inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
      inNs(SBOX, ['ip', 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      inNs(SBOX, ['ip', 'link', 'set', `v${i}`, 'master', 'br0', 'up']);
      inNs(ns, ['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      inNs(ns, ['ip', 'link', 'set', 'eth0', 'up']);
      serve(t);
    });
    nftLoad(SBOX, nftFiles(PLAN).find((f) => f.path === 'node1/ingress.nft')!.content);
    compiled = chain();
    for (const sub of ['node1', 'shared']) mkdirSync(join(dir, sub), { recursive: true });
    // The node's agent and the body it sources from the shared folder beside its own.
    for (const f of [...renderHealthAgent(PLAN, nodeOnly('node1')), renderHealthAgentBody()]) writeFileSync(join(dir, f.path), f.content, { mode: f.mode });
    agent = join(dir, 'node1', 'health-agent.sh');
  });
  afterAll(() => {
    for (const t of [...servers.keys()]) stop(t);
    for (const ns of [SBOX, ...Object.keys(TASKS).map((t) => PREFIX + t)]) spawnSync('ip', ['netns', 'delete', ns]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('IPVS dataplane: the agent deletes the conntrack entries of a task it sets to weight 0 (ipvsadm stubbed: no IPVS here)', () => {
    // Only ipvsadm is a stand-in (this kernel has no IPVS: the VM suite proves the weights);
    // the sandbox, the probes and conntrack are real.
    const ipvsDir = join(dir, 'ipvs');
    mkdirSync(join(ipvsDir, 'bin'), { recursive: true });
    writeFileSync(join(ipvsDir, 'state'), '-A -f 259 -s rr\n-a -f 259 -r 10.0.0.11:0 -m -w 1\n-a -f 259 -r 10.0.0.12:0 -m -w 1\n');
    writeFileSync(join(ipvsDir, 'bin', 'ipvsadm'), `#!/usr/bin/env bash
case $1 in
  -Sn) cat ${ipvsDir}/state ;;
  -e) sed -i "s/^-a -f $3 -r $5 -m -w .*/-a -f $3 -r $5 -m -w $8/" ${ipvsDir}/state ;;
  *) exit 2 ;;
esac
`, { mode: 0o755 });
    const ipvsPlan: Plan = { ...PLAN, settings: { ...PLAN.settings, dataplane: 'ipvs' } };
    for (const sub of ['node1', 'shared']) mkdirSync(join(ipvsDir, sub), { recursive: true });
    for (const f of [...renderHealthAgent(ipvsPlan, nodeOnly('node1')), renderHealthAgentBody()]) writeFileSync(join(ipvsDir, f.path), f.content, { mode: f.mode });
    const env = { ...process.env, PATH: `${ipvsDir}/bin:${process.env.PATH}`, MESHC_NETNS_PREFIX: PREFIX, MESHC_TASK_NETNS: 'netns', MESHC_LOCK_DIR: ipvsDir };
    const ipvsRound = () => spawnSync('bash', [join(ipvsDir, 'node1', 'health-agent.sh'), '--once', '--state', join(ipvsDir, 'st')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(ipvsRound().status).toBe(0);
    inNs(SBOX, ['sh', '-c', 'echo x | socat -u - UDP:10.0.0.12:5353,sourceport=40055']);
    expect(udpFlows('10.0.0.12')).toContain('40055');
    stop('hc_web.2');
    const log = [ipvsRound(), ipvsRound()].map((r) => r.stdout).join('');
    expect(log).toMatch(/task=hc_web\.2 .*weight=0/);
    expect(log).toMatch(/ip=10\.0\.0\.12 conntrack: 1 udp flow\(s\) deleted/);
    expect(udpFlows('10.0.0.12')).not.toContain('40055');
    serve('hc_web.2');
  });

  it('the nftables agent passes bash -n and shellcheck', () => {
    expect(spawnSync('bash', ['-n', agent]).status).toBe(0);
    const sc = spawnSync('shellcheck', ['-x', agent], { encoding: 'utf8' });
    if (sc.error) console.log('shellcheck not installed: lint skipped');
    else expect(sc.stdout).toBe('');
  });

  it('healthy tasks: the compiled chain is left as it is', () => {
    round();
    expect(chain()).toBe(compiled);
    expect(compiled).toContain('numgen inc mod 2 map { 0 : 10.0.0.11, 1 : 10.0.0.12 }');
  });

  it('an unhealthy task leaves the round robin in one transaction, and its UDP flows are deleted', () => {
    // A UDP flow through the sandbox whose replies would come from task 2.
    inNs(SBOX, ['sh', '-c', 'echo x | socat -u - UDP:10.0.0.12:5353,sourceport=40054']);
    expect(udpFlows('10.0.0.12')).toContain('40054');
    stop('hc_web.2');
    const log = [...round(), ...round()];
    expect(log.join('\n')).toMatch(/task=hc_web\.2 .*status=healthy->unhealthy weight=0/);
    expect(chain()).toContain('numgen inc mod 1 map { 0 : 10.0.0.11 }');
    expect(udpFlows('10.0.0.12')).not.toContain('40054');
    expect(log.join('\n')).toMatch(/ip=10\.0\.0\.12 conntrack: 1 udp flow\(s\) deleted/);
  });

  it('back to healthy: back in the rotation, the chain exactly as compiled', () => {
    serve('hc_web.2');
    const log = round();
    expect(log.join('\n')).toMatch(/task=hc_web\.2 .*status=unhealthy->healthy weight=1/);
    expect(chain()).toBe(compiled);
  });

  it('a re-applied file (backend back in the map) is corrected on the next round', () => {
    stop('hc_web.2');
    round();
    round();
    expect(chain()).toContain('mod 1 map');
    nftLoad(SBOX, nftFiles(PLAN).find((f) => f.path === 'node1/ingress.nft')!.content);
    expect(chain()).toBe(compiled);
    round();
    expect(chain()).toContain('numgen inc mod 1 map { 0 : 10.0.0.11 }');
  });
});
