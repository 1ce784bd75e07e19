/**
 * The rendered health agent and its unit file: syntax (bash -n), shellcheck, the task
 * table the agent is given, and the systemd unit's shape. Behaviour is proven in
 * health-agent-netns.test.ts (probes, state machine) and test/vm/health-failover.test.ts.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkArgv, renderHealthAgent, renderHealthAgentBody } from '../../src/render/render-health.js';
import type { OutputFile } from '../../src/model/rules.js';
import { healthPlan, nodeOnly } from './health-fixture.js';
import { seedPlan } from '../kernel/sample-plans.js';
import { titled, toolSkipReason } from '../support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'meshc-health-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(files: readonly OutputFile[], suffix: string): OutputFile {
  const f = files.find((x) => x.path.endsWith(suffix));
  if (!f) throw new Error(`no ${suffix} in ${files.map((x) => x.path).join(', ')}`);
  return f;
}

function written(f: OutputFile): string {
  const path = join(dir, f.path.replace(/\//g, '_'));
  writeFileSync(path, f.content, { mode: f.mode });
  return path;
}

/** The add_task lines of the agent, as argument lists (bash does the unquoting). */
function taskTable(script: string): string[][] {
  const lines = script.split('\n').map((l) => l.trimStart()).filter((l) => l.startsWith('add_task '));
  const printer = `add_task() { local IFS='|'; echo "$*"; }\n${lines.join('\n')}\n`;
  const out = spawnSync('bash', ['-c', printer], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  return out.stdout.trim().split('\n').map((l) => l.split('|'));
}

describe('renderHealthAgent', () => {
  const files = renderHealthAgent(healthPlan(), nodeOnly('node1'));
  const agent = file(files, '/health-agent.sh');

  it('writes the agent (0755), its unit and the marks file under the node', () => {
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['node1/health-agent.sh', 0o755],
      ['node1/meshc-health.service', 0o644],
      ['node1/health.marks', 0o644],
    ]);
  });

  it('lists exactly the health-checked fwmarks, never a service without a check', () => {
    expect(file(files, '/health.marks').content).toBe('256\n257\n259\n');
    expect(agent.content).toMatch(/^MARKS=\(256 257 259\)$/m);
  });

  it('passes bash -n', () => {
    const r = spawnSync('bash', ['-n', written(agent)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(toolSkipReason('shellcheck') !== null)(titled('passes shellcheck, and so does its body (shared/health-agent.sh)', toolSkipReason('shellcheck')), () => {
    for (const script of [agent, renderHealthAgentBody()]) {
      const r = spawnSync('shellcheck', ['-s', 'bash', '-S', 'style', written(script)], { encoding: 'utf8' });
      expect(r.stdout, script.path).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('leaves the fixed code to one body for every node, shared/health-agent.sh (0644, sourced), whose sha256 the agent records', () => {
    const body = renderHealthAgentBody();
    expect([body.path, body.mode]).toEqual(['shared/health-agent.sh', 0o644]);
    expect(body.content).not.toMatch(/node1|hc_(dns|job|web)/);
    expect(agent.content).toContain(`AGENT_BODY_SHA256=${createHash('sha256').update(body.content).digest('hex')}\n`);
    expect(agent.content).not.toContain('run_loop');
    expect(body.content).toContain('run_loop() {');
  });

  it('probes every task on every node; CMD checks run only where the task is', () => {
    const rows = taskTable(agent.content).map((r) => [r[0], r[5], r[6], r[7], r[8]]);
    expect(rows).toEqual([
      ['hc_dns.1', 'tcp', '8080', '', '0'],
      ['hc_dns.2', 'tcp', '8080', '', '0'],
      ['hc_job.1', 'cmd', '0', '', '0'],
      ['hc_job.2', 'tcp', '7070', '', '0'],
      ['hc_web.1', 'http', '80', '/health', '200'],
      ['hc_web.2', 'http', '80', '/health', '200'],
    ]);
    const job = taskTable(agent.content).find((r) => r[0] === 'hc_job.1');
    expect(job?.slice(9, 13)).toEqual(['1000', '700', '2', '0']);
    // The CMD test survives two rounds of quoting intact.
    const argv = spawnSync('bash', ['-c', 'eval "a=($1)"; printf \'%s\\n\' "${a[@]}"', '_', job?.[13] ?? ''], { encoding: 'utf8' });
    expect(argv.stdout).toBe('bash\n-c\nexec 3<>/dev/tcp/127.0.0.1/${PORT:-7070}\n');
  });

  it('is deterministic and differs per node only where the task is local', () => {
    const again = file(renderHealthAgent(healthPlan(), nodeOnly('node1')), '/health-agent.sh');
    expect(again.content).toBe(agent.content);
    const other = taskTable(file(renderHealthAgent(healthPlan(), nodeOnly('node2')), '/health-agent.sh').content);
    expect(other.filter((r) => r[5] === 'cmd').map((r) => r[0])).toEqual(['hc_job.2']);
  });

  it.each([
    ['altered by one byte', (b: string) => writeFileSync(b, readFileSync(b, 'utf8').replace('# meshc health agent body', '# meshc health agent Body')), /shared\/health-agent\.sh is not the file this health-agent\.sh was compiled with \(sha256 differs\)/],
    ['missing', (b: string) => rmSync(b), /shared\/health-agent\.sh is missing/],
  ] as const)('refuses a body %s: exit 1, the file named, before it takes a lock or enters a namespace', (_, edit, message) => {
    const root = mkdtempSync(join(tmpdir(), 'meshc-agent-'));
    for (const f of [agent, renderHealthAgentBody()]) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.content, { mode: f.mode });
    }
    edit(join(root, 'shared', 'health-agent.sh'));
    const locks = join(root, 'locks');
    mkdirSync(locks);
    const env = { ...process.env, MESHC_LOCK_DIR: locks, MESHC_NETNS_PREFIX: `meshc-test-${process.pid}-` };
    const r = spawnSync('bash', [join(root, 'node1', 'health-agent.sh'), '--once'], { env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(locks)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  it('renders an agent with nothing to do for a stack without checks', () => {
    const none = renderHealthAgent(seedPlan(2), nodeOnly('node1'));
    expect(file(none, '/health.marks').content).toBe('');
    expect(taskTable(file(none, '/health-agent.sh').content)).toEqual([['']]);
    expect(spawnSync('bash', ['-n', written(file(none, '/health-agent.sh'))]).status).toBe(0);
  });
});

describe('meshc-health.service', () => {
  const unit = file(renderHealthAgent(healthPlan(), nodeOnly('node2')), '/meshc-health.service').content;
  const sections = unit.split('\n').filter((l) => /^\[/.test(l));
  const keys = (section: string) => {
    const body = unit.split(`[${section}]\n`)[1]?.split('\n[')[0] ?? '';
    return body.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => l.split('=')[0]);
  };

  it('has the three sections systemd expects, each key known to systemd', () => {
    expect(sections).toEqual(['[Unit]', '[Service]', '[Install]']);
    expect(keys('Unit')).toEqual(['Description', 'After', 'Wants']);
    expect(keys('Service')).toEqual(['Type', 'Environment', 'Environment', 'ExecStart', 'KillMode', 'KillSignal', 'TimeoutStopSec', 'Restart', 'RestartSec']);
    expect(keys('Install')).toEqual(['WantedBy']);
  });

  it('starts this stack\'s agent from the playbook\'s install directory and stops it with SIGTERM', () => {
    // The node's own folder under the stack's (the shared folder beside it: docs/runner.md).
    expect(unit).toMatch(/^ExecStart=\/bin\/bash \/etc\/meshc\/hc\/node2\/health-agent\.sh$/m);
    expect(unit).toMatch(/^Description=.*stack hc, node node2/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });

  it.skipIf(toolSkipReason('systemd-analyze') !== null)(titled('passes systemd-analyze verify', toolSkipReason('systemd-analyze')), () => {
    const path = join(dir, 'meshc-health.service');
    writeFileSync(path, unit);
    const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Unknown (key|section)/);
  });
});

describe('checkArgv', () => {
  it('maps compose test lists as Docker runs them', () => {
    expect(checkArgv(['CMD', 'pg_isready', '-U', 'x y'])).toEqual(['pg_isready', '-U', 'x y']);
    expect(checkArgv(['CMD-SHELL', 'curl -f http://localhost/ || exit 1'])).toEqual(['/bin/sh', '-c', 'curl -f http://localhost/ || exit 1']);
    expect(checkArgv(['NONE'])).toEqual([]);
    expect(checkArgv(['CMD-SHELL'])).toEqual([]);
  });
});
