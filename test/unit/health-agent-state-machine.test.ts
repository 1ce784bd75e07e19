/**
 * The generated health agent's probes and state machine, in real network namespaces on
 * this machine: a sandbox namespace bridged to one namespace per task, real TCP/HTTP
 * servers, compose CMD checks run inside the task's namespace.
 *
 * This kernel has no IPVS, so `ipvsadm` here is a STUB (stub-ipvsadm below, first on the
 * agent's PATH) that keeps the `ipvsadm -Sn` listing in a file and records every call.
 * These tests prove the state machine and exactly which ipvsadm calls the agent makes,
 * never that the mesh fails over: test/vm/health-failover.test.ts proves that with IPVS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHealthAgent, renderHealthAgentBody } from '../../src/render/render-health.js';
import type { PlanHealth } from '../../src/model/plan.js';
import { healthPlan, nodeOnly } from './health-fixture.js';
import { titled, toolSkipReason } from '../support/tools.js';

const stateMachineSkip = process.getuid?.() === 0 ? toolSkipReason('ip', 'socat', 'nsenter', 'flock', 'timeout') : 'skipped: needs root (network namespaces)';
const canRun = stateMachineSkip === null;
const PREFIX = `h6${process.pid}-`;
const SBOX = `${PREFIX}ingress_sbox`;
const TASKS: Record<string, string> = { 'hc_web.1': '10.0.0.11', 'hc_web.2': '10.0.0.12', 'hc_dns.1': '10.0.0.21', 'hc_dns.2': '10.0.0.22', 'hc_job.1': '10.0.0.31', 'hc_job.2': '10.0.0.32' };
const dir = mkdtempSync(join(tmpdir(), 'meshc-health-sm-'));
const servers = new Map<string, ChildProcess>();

const STUB = `#!/usr/bin/env bash
# stub-ipvsadm: for the health agent's state-machine test only (no IPVS in this kernel).
echo "$*" >>"$STUB_IPVS_LOG"
case $1 in
  -Sn) cat "$STUB_IPVS_STATE" ;;
  -e) [[ $2 == -f && $4 == -r && $6 == -m && $7 == -w && $# == 8 ]] || { echo "stub: unsupported $*" >&2; exit 2; }
      grep -q -- "^-a -f $3 -r $5 -m -w " "$STUB_IPVS_STATE" || { echo "stub: no such destination" >&2; exit 1; }
      sed -i "s/^-a -f $3 -r $5 -m -w .*/-a -f $3 -r $5 -m -w $8/" "$STUB_IPVS_STATE" ;;
  *) echo "stub: unsupported $*" >&2; exit 2 ;;
esac
`;
const HTTP = `while IFS= read -r l && [[ -n \${l%$'\\r'} ]]; do :; done
printf 'HTTP/1.0 %s\\r\\n\\r\\nok\\n' "$(cat "$1" 2>/dev/null || echo '200 OK')"
`;
/** The sandbox as the runner leaves it for health-managed services, plus objects the agent must never touch. */
const IPVS_START = [
  '-A -f 256 -s rr', '-a -f 256 -r 10.0.0.21:0 -m -w 0', '-a -f 256 -r 10.0.0.22:0 -m -w 0',
  '-A -f 257 -s rr', '-a -f 257 -r 10.0.0.31:0 -m -w 0', '-a -f 257 -r 10.0.0.32:0 -m -w 0',
  '-A -f 258 -s rr', '-a -f 258 -r 10.0.0.41:0 -m -w 1', '-a -f 258 -r 10.0.0.42:0 -m -w 0',
  '-A -f 259 -s rr', '-a -f 259 -r 10.0.0.11:0 -m -w 0', '-a -f 259 -r 10.0.0.12:0 -m -w 0', '-a -f 259 -r 10.0.0.251:0 -m -w 0',
  '-A -f 999 -s rr', '-a -f 999 -r 10.0.0.12:0 -m -w 0',
].join('\n') + '\n';

function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function serve(task: string, kind: 'http' | 'echo' | 'hang', port: number): void {
  stopServer(task);
  const far = kind === 'http' ? `EXEC:bash ${dir}/http.sh ${dir}/status-${task}` : kind === 'echo' ? 'EXEC:cat' : 'EXEC:sleep 600';
  const child = spawn('ip', ['netns', 'exec', PREFIX + task, 'socat', `TCP-LISTEN:${port},fork,reuseaddr`, far], { stdio: 'ignore' });
  servers.set(task, child);
  for (let i = 0; i < 50 && !sh('ip', ['netns', 'exec', PREFIX + task, 'ss', '-ltnH']).includes(`:${port} `); i++) spawnSync('sleep', ['0.05']);
}

function stopServer(task: string): void {
  const child = servers.get(task);
  if (child?.pid) spawnSync('kill', ['-9', String(child.pid)]);
  servers.delete(task);
}

function render(name: string, timing: Partial<PlanHealth>): string {
  const out = join(dir, name);
  // The node's agent and the body it sources from the shared folder beside its own.
  for (const f of [...renderHealthAgent(healthPlan(timing), nodeOnly('node1')), renderHealthAgentBody()]) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.content, { mode: f.mode });
  }
  return join(out, 'node1', 'health-agent.sh');
}

const env = (): NodeJS.ProcessEnv => ({
  ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, MESHC_NETNS_PREFIX: PREFIX, MESHC_TASK_NETNS: 'netns',
  MESHC_LOCK_DIR: dir, STUB_IPVS_STATE: `${dir}/ipvs.state`, STUB_IPVS_LOG: `${dir}/ipvs.log`,
});

/** One `--once` round of `agent` with state kept in `state`; returns its log lines and the ipvsadm calls it made. */
function round(agent: string, state = `${dir}/agent.state`): { log: string[]; calls: string[] } {
  writeFileSync(`${dir}/ipvs.log`, '');
  const r = spawnSync('bash', [agent, '--once', '--state', state], { env: env(), encoding: 'utf8', timeout: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const calls = readFileSync(`${dir}/ipvs.log`, 'utf8').split('\n').filter((l) => l !== '' && l !== '-Sn');
  return { log: r.stdout.split('\n').filter(Boolean), calls };
}

function weights(): string[] {
  return readFileSync(`${dir}/ipvs.state`, 'utf8').split('\n').filter((l) => l.startsWith('-a')).map((l) => l.replace(/^-a -f (\d+) -r ([\d.]+):0 -m -w (\d+)$/, '$1 $2 $3'));
}

/** pids whose command line contains `pattern` (pgrep itself excluded). */
const pgrep = (pattern: string) => spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim();
const weightOf = (mark: number, ip: string) => weights().find((w) => w.startsWith(`${mark} ${ip} `))?.split(' ')[2];
const transitions = (log: string[]) => log.map((l) => /task=(\S+) .*status=(\w+->\w+)/.exec(l)).filter((m) => m).map((m) => `${m![1]} ${m![2]}`);

function setUp(): void {
  mkdirSync(`${dir}/bin`);
  writeFileSync(`${dir}/bin/ipvsadm`, STUB, { mode: 0o755 });
  writeFileSync(`${dir}/http.sh`, HTTP);
  writeFileSync(`${dir}/ipvs.state`, IPVS_START);
  sh('ip', ['netns', 'add', SBOX]);
  sh('ip', ['-n', SBOX, 'link', 'add', 'br0', 'type', 'bridge']);
  sh('ip', ['-n', SBOX, 'addr', 'add', '10.0.0.2/24', 'dev', 'br0']);
  sh('ip', ['-n', SBOX, 'link', 'set', 'br0', 'up']);
  Object.entries(TASKS).forEach(([task, ip], i) => {
    const ns = PREFIX + task;
    sh('ip', ['netns', 'add', ns]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', SBOX, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    sh('ip', ['-n', SBOX, 'link', 'set', `v${i}`, 'master', 'br0', 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  });
  for (const t of ['hc_web.1', 'hc_web.2']) serve(t, 'http', 80);
  for (const t of ['hc_dns.1', 'hc_dns.2']) serve(t, 'echo', 8080);
  for (const t of ['hc_job.1', 'hc_job.2']) serve(t, 'echo', 7070);
}

// Rounds wait for probe timeouts (3 s each): longer than the unit project's default test timeout.
describe.skipIf(!canRun)(titled('health agent state machine (netns; STUB ipvsadm)', stateMachineSkip), { timeout: 60_000 }, () => {
  let agent: string;
  beforeAll(() => {
    setUp();
    // A generous timeout: the HTTP test server execs per request, and this machine is shared.
    agent = render('fast', { intervalMs: 1000, timeoutMs: 3000, retries: 2, startPeriodMs: 0 });
  });
  afterAll(() => {
    for (const t of [...servers.keys()]) stopServer(t);
    for (const ns of [SBOX, ...Object.keys(TASKS).map((t) => PREFIX + t)]) spawnSync('ip', ['netns', 'delete', ns]);
    rmSync(dir, { recursive: true, force: true });
  });

  let afterFirst: string[] = [];
  it('first round: every passing task joins at weight 1, through ipvsadm -e on its own reals only', () => {
    const { log, calls } = round(agent);
    afterFirst = weights();
    // One line per transition, in the order the concurrent probes finish.
    expect(transitions(log).sort()).toEqual(Object.keys(TASKS).sort().map((t) => `${t} starting->healthy`));
    expect(log.find((l) => l.includes('task=hc_job.1 '))).toMatch(/node=node1 .*reason="exit status 0"/);
    expect(log.find((l) => l.includes('task=hc_web.2 '))).toMatch(/reason="http 10.0.0.12:80\/health status 200"/);
    expect(calls.sort()).toEqual(Object.entries(TASKS).map(([t, ip]) => `-e -f ${({ web: 259, dns: 256, job: 257 } as Record<string, number>)[t.slice(3, 6)]} -r ${ip}:0 -m -w 1`).sort());
    // The unchecked service, a real meshc did not plan, and a foreign service keep their weights.
    expect(weights().filter((w) => !Object.values(TASKS).some((ip) => w.includes(` ${ip} `)) || w.startsWith('999 '))).toEqual(['258 10.0.0.41 1', '258 10.0.0.42 0', '259 10.0.0.251 0', '999 10.0.0.12 0']);
  });

  it('a failure below retries changes nothing; the retries-th makes it unhealthy, weight 0, one line with the reason', () => {
    writeFileSync(`${dir}/status-hc_web.1`, '503 Service Unavailable');
    const first = round(agent);
    expect(first.log).toEqual([]);
    expect(first.calls).toEqual([]);
    const second = round(agent);
    expect(second.log).toHaveLength(1);
    expect(second.log[0]).toBe(
      'meshc-health: node=node1 task=hc_web.1 service=hc_web fwmark=259 ip=10.0.0.11 status=healthy->unhealthy weight=0 failing_streak=2 reason="http 10.0.0.11:80/health status 503, want 200"',
    );
    expect(second.calls).toEqual(['-e -f 259 -r 10.0.0.11:0 -m -w 0']);
  });

  it('one success brings it back to weight 1 exactly', () => {
    rmSync(`${dir}/status-hc_web.1`);
    const { log, calls } = round(agent);
    expect(transitions(log)).toEqual(['hc_web.1 unhealthy->healthy']);
    expect(calls).toEqual(['-e -f 259 -r 10.0.0.11:0 -m -w 1']);
    expect(weights()).toEqual(afterFirst);
  });

  it('a hanging HTTP target and a dropped SYN fail by timeout, in the same rounds as everyone else', () => {
    serve('hc_web.2', 'hang', 80);
    sh('ip', ['netns', 'exec', `${PREFIX}hc_dns.1`, 'iptables', '-w', '-I', 'INPUT', '1', '-p', 'tcp', '--dport', '8080', '-j', 'DROP']);
    stopServer('hc_job.1');
    round(agent);
    const { log } = round(agent);
    expect(transitions(log).sort()).toEqual(['hc_dns.1 healthy->unhealthy', 'hc_job.1 healthy->unhealthy', 'hc_web.2 healthy->unhealthy']);
    expect(log.find((l) => l.includes('task=hc_web.2 '))).toMatch(/reason="Health check exceeded timeout \(3\.000s\)"/);
    expect(log.find((l) => l.includes('task=hc_dns.1 '))).toMatch(/reason="Health check exceeded timeout \(3\.000s\)"/);
    // The CMD check ran inside hc_job.1's namespace: its loopback server is gone.
    expect(log.find((l) => l.includes('task=hc_job.1 '))).toMatch(/reason=".*Connection refused.* exit status 1"/);
    expect([weightOf(259, '10.0.0.12'), weightOf(256, '10.0.0.21'), weightOf(257, '10.0.0.31'), weightOf(259, '10.0.0.11')]).toEqual(['0', '0', '0', '1']);
    serve('hc_web.2', 'http', 80);
    sh('ip', ['netns', 'exec', `${PREFIX}hc_dns.1`, 'iptables', '-w', '-D', 'INPUT', '-p', 'tcp', '--dport', '8080', '-j', 'DROP']);
    serve('hc_job.1', 'echo', 7070);
    expect(transitions(round(agent).log).sort()).toEqual(['hc_dns.1 unhealthy->healthy', 'hc_job.1 unhealthy->healthy', 'hc_web.2 unhealthy->healthy']);
  });

  it('a real server the runner removes and re-adds is a new task: starting until its next success', () => {
    const state = readFileSync(`${dir}/ipvs.state`, 'utf8');
    writeFileSync(`${dir}/ipvs.state`, state.replace('-a -f 256 -r 10.0.0.22:0 -m -w 1\n', ''));
    stopServer('hc_dns.2');
    const gone = round(agent);
    expect(gone.log).toEqual(['meshc-health: node=node1 task=hc_dns.2 fwmark=256 ip=10.0.0.22 real server removed by the runner']);
    expect(gone.calls).toEqual([]);
    writeFileSync(`${dir}/ipvs.state`, state.replace('-a -f 256 -r 10.0.0.22:0 -m -w 1', '-a -f 256 -r 10.0.0.22:0 -m -w 0'));
    const back = round(agent);
    expect(back.log[0]).toMatch(/task=hc_dns.2 .*real server added: status=starting/);
    expect(back.calls).toEqual([]);
    serve('hc_dns.2', 'echo', 8080);
    expect(transitions(round(agent).log)).toEqual(['hc_dns.2 starting->healthy']);
    expect(weightOf(256, '10.0.0.22')).toBe('1');
  });

  it('start_period: failures while starting do not count, and the task stays out of the LB', () => {
    const slow = render('slow', { intervalMs: 1000, timeoutMs: 500, retries: 1, startPeriodMs: 3_600_000 });
    stopServer('hc_web.1');
    const state = `${dir}/slow.state`;
    const first = round(slow, state);
    // The runner gave it weight 1 (a bug of the runner's contract): the agent pulls it out.
    expect(first.log.filter((l) => l.includes('task=hc_web.1 '))).toEqual([
      'meshc-health: node=node1 task=hc_web.1 service=hc_web fwmark=259 ip=10.0.0.11 status=starting weight=1->0 reason="not healthy (yet)"',
    ]);
    round(slow, state);
    expect(readFileSync(state, 'utf8')).toMatch(/^hc_web\.1 starting 0 /m);
    serve('hc_web.1', 'http', 80);
    expect(transitions(round(slow, state).log)).toContain('hc_web.1 starting->healthy');
    expect(weightOf(259, '10.0.0.11')).toBe('1');
  });

  it('loop mode: one agent per node, SIGTERM exits 0 with no probe left behind', async () => {
    const long = render('long', { intervalMs: 1000, timeoutMs: 20_000, retries: 2, startPeriodMs: 0 });
    serve('hc_web.2', 'hang', 80);
    const child = spawn('bash', [long], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes('started'); i++) await new Promise((r) => setTimeout(r, 50));
    // Probes are forks of the agent: wait until some (hc_web.2's hangs for 20 s) are in flight.
    for (let i = 0; i < 100 && pgrep(long).split('\n').length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pgrep(long).split('\n').length).toBeGreaterThan(1);
    const second = spawnSync('bash', [long, '--once'], { env: env(), encoding: 'utf8', timeout: 10_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another health agent of stack hc is running on this node/);
    child.kill('SIGTERM');
    expect(await exited, `${out}\n${err}`).toBe(0);
    expect(out).toMatch(/node=node1 stopping \(SIGTERM\)\n$/);
    expect(pgrep(long)).toBe('');
    serve('hc_web.2', 'http', 80);
  });

  it('before the runner has made the sandbox, the agent waits for it (and still stops on SIGTERM)', async () => {
    const child = spawn('bash', [agent], { env: { ...env(), MESHC_NETNS_PREFIX: `${PREFIX}none-` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 100 && !out.includes('waiting'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toBe(`meshc-health: node=node1 waiting for the ingress sandbox /run/netns/${PREFIX}none-ingress_sbox\n`);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('a refused connection is reported with its errno text', () => {
    stopServer('hc_dns.2');
    round(agent);
    const { log, calls } = round(agent);
    expect(log).toEqual([
      'meshc-health: node=node1 task=hc_dns.2 service=hc_dns fwmark=256 ip=10.0.0.22 status=healthy->unhealthy weight=0 failing_streak=2 reason="connect 10.0.0.22:8080: Connection refused"',
    ]);
    expect(calls).toEqual(['-e -f 256 -r 10.0.0.22:0 -m -w 0']);
    serve('hc_dns.2', 'echo', 8080);
    expect(transitions(round(agent).log)).toEqual(['hc_dns.2 unhealthy->healthy']);
  });
});
