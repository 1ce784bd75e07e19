/**
 * The runner as text, apply.sh and the body it sources (shared/runner.sh): each must parse
 * (`bash -n`), pass shellcheck, carry this node's data and nothing unquoted. What it does to
 * a kernel is proven in test/kernel and test/vm.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import { compilePlan } from '../pipeline.js';
import { mixedPlan, seedPlan } from '../../test/kernel/sample-plans.js';
import { titled, toolSkipReason } from '../../test/support/tools.js';
import { renderRunner, renderRunnerBody, runnerView } from './render-runner.js';

async function compiled(plan: Plan) {
  const result = await compilePlan(plan, new DiagnosticSink());
  if (!result) throw new Error('compile failed');
  return result;
}

/** Node `node`'s apply.sh and the tree's runner body and mesh data, as the compile renders them. */
async function runnerOf(plan: Plan, node: string): Promise<{ apply: string; body: string; data: string; text: string }> {
  const { files } = await compiled(plan);
  const apply = files.find((f) => f.path === `${node}/apply.sh`)?.content;
  const body = files.find((f) => f.path === 'shared/runner.sh')?.content;
  const data = files.find((f) => f.path === 'shared/mesh-data.sh')?.content;
  if (apply === undefined || body === undefined || data === undefined) throw new Error(`no runner for node ${node}`);
  return { apply, body, data, text: apply + data + body };
}

/** The compiled tree on disk (apply.sh finds shared/ beside its folder); returns node's apply.sh. */
async function treeOf(plan: Plan, node: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-runner-'));
  for (const f of (await compiled(plan)).files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content, { mode: f.mode });
  }
  return join(dir, node, 'apply.sh');
}

function scriptFile(text: string, name = 'apply.sh'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'meshc-runner-')), name);
  writeFileSync(file, text);
  return file;
}

function shellcheck(file: string): ReturnType<typeof spawnSync> {
  return spawnSync('shellcheck', ['-s', 'bash', '-f', 'gcc', file], { encoding: 'utf8' });
}

const shellcheckSkip = toolSkipReason('shellcheck');

describe('renderRunner', async () => {
  it('writes <node>/apply.sh with mode 0755', async () => {
    const plan = seedPlan(3);
    const set = (await compiled(plan)).ruleSets.nodes[1];
    const file = renderRunner(plan, set!);
    expect(file.path).toBe('node2/apply.sh');
    expect(file.mode).toBe(0o755);
  });

  it('writes the body once, shared/runner.sh, mode 0644 (sourced, not run), the same for every plan of a dataplane', async () => {
    const body = renderRunnerBody(seedPlan(3));
    expect(body.path).toBe('shared/runner.sh');
    expect(body.mode).toBe(0o644);
    expect(renderRunnerBody(mixedPlan()).content).toBe(body.content);
    expect((await compiled(seedPlan(3))).files.filter((f) => f.path.endsWith('/runner.sh')).map((f) => f.path)).toEqual(['shared/runner.sh']);
  });

  it('is valid bash for every node of several plans', { timeout: 60_000 }, async () => {
    for (const plan of [seedPlan(1), seedPlan(3), mixedPlan()]) {
      for (const node of plan.nodes) {
        const { apply, body } = await runnerOf(plan, node.name);
        expect(spawnSync('bash', ['-n', scriptFile(apply)]).status, `${plan.stack}/${node.name}`).toBe(0);
        expect(spawnSync('bash', ['-n', scriptFile(body, 'runner.sh')]).status, `${plan.stack} body`).toBe(0);
      }
    }
  });

  // Generous timeout: shellcheck takes seconds on a busy machine.
  it.skipIf(shellcheckSkip !== null)(titled('passes shellcheck', shellcheckSkip), { timeout: 60_000 }, async () => {
    const { apply, body, data } = await runnerOf(mixedPlan(), 'alpha');
    for (const file of [scriptFile(apply), scriptFile(body, 'runner.sh'), scriptFile(data, 'mesh-data.sh')]) {
      const out = shellcheck(file);
      expect(out.stdout, file).toBe('');
      expect(out.status).toBe(0);
    }
  });

  it.skipIf(shellcheckSkip !== null)(titled('on the nftables dataplane: valid bash, shellcheck-clean, no IPVS or iptables', shellcheckSkip), { timeout: 60_000 }, async () => {
    const plan: Plan = { ...mixedPlan(), settings: { ...mixedPlan().settings, dataplane: 'nftables' } };
    const { apply, body, data, text } = await runnerOf(plan, 'alpha');
    for (const file of [scriptFile(apply), scriptFile(body, 'runner.sh'), scriptFile(data, 'mesh-data.sh')]) {
      expect(spawnSync('bash', ['-n', file]).status).toBe(0);
      const out = shellcheck(file);
      expect(out.stdout, file).toBe('');
      expect(out.status).toBe(0);
    }
    // The rules parts are nftables only (the IPVS and iptables converge code is not there).
    expect(text).not.toMatch(/converge_ipvs|converge_ns|ipvsadm -R|HEALTH_MARKS=\( [0-9]/);
    expect(text).toContain('for t in nft ip bridge');
    expect(text).toContain('nft_in "$ns" nft -f "$file"');
  });

  it('prints this node’s data: peers are the other nodes, tasks only the local ones', async () => {
    const { text, apply, data } = await runnerOf(seedPlan(3), 'node2');
    // The services' VIPs are the same on every node: in shared/mesh-data.sh, not in apply.sh.
    expect(data).toMatch(/^VIPS=\( 10\.0\.0\.\d+ \)$/m);
    expect(apply).not.toMatch(/^VIPS=/m);
    expect(text).toContain('NODE_ADDRESS=192.168.56.12\n');
    expect(text).toContain('NODE_INGRESS_IP=10.0.0.3\n');
    expect(text).toContain('PEERS=( 192.168.56.11 192.168.56.13 )');
    expect(text).toMatch(/TASK_NAMES=\(\n {2}web_ngx\.2\n\)/);
    expect(text).not.toContain('web_ngx.1');
    expect(text).toContain(`docker inspect --format '{{.State.Pid}}'`);
  });

  it('declares the hooks as data, one word per token', async () => {
    const view = runnerView(seedPlan(2), (await compiled(seedPlan(2))).ruleSets.nodes[0]!);
    expect(view.hostHooks).toContain('nat PREROUTING -m addrtype --dst-type LOCAL -j MESHC-INGRESS');
    expect(view.taskHooks.every((h) => h.startsWith('0 '))).toBe(true);
  });

  it('is byte-identical for identical plans', async () => {
    expect((await runnerOf(mixedPlan(), 'beta')).text).toBe((await runnerOf(mixedPlan(), 'beta')).text);
  });

  it('answers --help without root and without touching anything, with or without the shared folder', async () => {
    const help = execFileSync('bash', [await treeOf(seedPlan(1), 'node1'), '--help'], { encoding: 'utf8' });
    expect(help).toContain('usage: apply.sh [--check | --dry-run | --down]');
    expect(help).toContain('MESHC_TEST_KILL_AT=<step> kills it there with SIGKILL. See docs/runner.md.');
    expect(execFileSync('bash', [scriptFile((await runnerOf(seedPlan(1), 'node1')).apply), '--help'], { encoding: 'utf8' })).toBe(help);
  });

  it('reports a bad argument as an error in its JSON summary, exit 1', async () => {
    const out = spawnSync('bash', [await treeOf(seedPlan(1), 'node1'), '--frobnicate'], { encoding: 'utf8' });
    expect(out.status).toBe(1);
    const last = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}');
    expect(last.errors[0]).toContain('unknown argument');
  });

  it('refuses a plan whose values would not be safe to print', async () => {
    const plan = seedPlan(1);
    const set = (await compiled(plan)).ruleSets.nodes[0]!;
    const bad: Plan = { ...plan, settings: { ...plan.settings, hostBridge: 'br0; rm -rf /' } };
    expect(() => renderRunner(bad, set)).toThrow(/interface name/);
    const badIp: Plan = { ...plan, nodes: [{ ...plan.nodes[0]!, address: '10.0.0.1 $(x)' }] };
    expect(() => renderRunner(badIp, set)).toThrow(/IPv4/);
  });
});
