/**
 * The generated playbook.yml under the real `ansible-playbook` (ansible-core) on this
 * machine. Each inventory host is a simulated node: a network namespace this test
 * makes, entered by the host's Python interpreter (`ansible_connection=local`,
 * `ansible_python_interpreter` = nsenter into the node), so every module, the
 * `iptables-restore --test` validation and apply.sh run inside that node.
 *
 * This kernel has no IPVS and the real apply.sh refuses to run without it, so each
 * node's apply.sh is replaced by runner-double.sh, which keeps the runner's contract
 * (modes, exit codes, JSON summary) and logs where and how it was called. What this
 * proves: the playbook's staging, validation, check/diff/apply flow, changed/failed
 * logic, stale-file removal and host selection. The real runner under the playbook is
 * test/vm/ansible-playbook.test.ts (QEMU, in the VM suite).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, compileTree, recap } from './ansible-helpers.js';
import { ROOT, announceSkip, hasTool, sh, tempDir } from './tools.js';
import { titled, toolSkipReason } from '../support/tools.js';

const scratch = tempDir('ansible');
const out = join(scratch.path, 'out');
const state = join(scratch.path, 'state');
const netns = (node: string) => `mk${process.pid}-${node}`;
afterAll(() => {
  for (const n of NODES) spawnSync('ip', ['netns', 'delete', netns(n.name)]);
  scratch.remove();
});

describe.skipIf(!hasTool('ansible-playbook'))(titled('generated playbook: syntax', toolSkipReason('ansible-playbook')), () => {
  it('passes ansible-playbook --syntax-check', async () => {
    await compileTree(join(scratch.path, 'syntax'));
    writeFileSync(join(scratch.path, 'syntax-hosts'), NODES.map((n) => `${n.name} ansible_connection=local`).join('\n') + '\n');
    const r = sh(['ansible-playbook', '--syntax-check', '-i', join(scratch.path, 'syntax-hosts'), join(scratch.path, 'syntax', 'playbook.yml')]);
    expect(r.status, r.out).toBe(0);
  });
});

const skip = skipReason();
announceSkip('ansible-playbook on simulated nodes', skip);

function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const tool of ['ansible-playbook', 'ip', 'nsenter', 'iptables-restore']) if (!hasTool(tool)) return `needs ${tool}`;
  if (spawnSync('/usr/bin/python3', ['-c', 'import ansible']).status !== 0) return "needs Debian's python3 with ansible-core";
  return null;
}

function hostLine(node: string, extra = ''): string {
  const py = join(scratch.path, `py-${node}`);
  const vars = `meshc_netns_prefix=${node}- meshc_task_netns=netns meshc_dir=${join(scratch.path, 'nodes', node)}`;
  return `${node} ansible_connection=local ansible_become=false ansible_python_interpreter=${py} ${vars} ${extra}`.trimEnd();
}

function play(inventory: string, ...options: string[]) {
  const path = join(scratch.path, `hosts-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, inventory);
  const r = sh(['ansible-playbook', '-i', path, join(out, 'playbook.yml'), ...options], {
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(scratch.path, 'ansible-tmp') },
    timeoutMs: 300_000,
  });
  return { ...r, recap: recap(r.out) };
}

const calls = () => (existsSync(join(state, 'calls')) ? readFileSync(join(state, 'calls'), 'utf8').trim().split('\n') : []);
const nsInode = (node: string) => String(statSync(`/run/netns/${netns(node)}`).ino);
const inventory = NODES.map((n) => hostLine(n.name)).join('\n') + '\n';

describe.skipIf(skip)(skip ? `playbook on simulated nodes (skipped: ${skip})` : 'generated playbook on simulated nodes', () => {
  beforeAll(async () => {
    await compileTree(out);
    mkdirSync(state);
    const double = readFileSync(join(ROOT, 'test/ecosystem/runner-double.sh'), 'utf8');
    for (const { name } of NODES) {
      writeFileSync(join(out, name, 'apply.sh'), double.replace('@NODE@', name).replace('@STATE@', state));
      spawnSync('ip', ['netns', 'add', netns(name)]);
      writeFileSync(join(scratch.path, `py-${name}`), `#!/bin/sh\nexec nsenter --net=/run/netns/${netns(name)} /usr/bin/python3 "$@"\n`);
      chmodSync(join(scratch.path, `py-${name}`), 0o755);
    }
  }, 120_000);

  it('--check --diff on fresh nodes reports changes and shows the dry run, changing nothing', () => {
    const r = play(inventory, '--check', '--diff');
    expect(r.status, r.out).toBe(0);
    for (const { name } of NODES) {
      expect(r.recap.get(name)?.changed, r.out).toBeGreaterThan(0);
      expect(existsSync(join(scratch.path, 'nodes', name)), 'nothing installed').toBe(false);
      const mine = calls().filter((c) => c.includes(`node=${name} `));
      expect(mine.map((c) => c.split(' ')[0])).toEqual(['dry-run', 'check']);
      for (const c of mine) expect(c).toContain(`prefix=${name}- tasks=netns netns=${nsInode(name)} `);
    }
    expect(r.out).toContain('would load rules');
    expect(existsSync(join(state, 'node1.applied'))).toBe(false);
  }, 300_000);

  it('applies once with changed, installs the tree, then a second run and --check change nothing', () => {
    const first = play(inventory);
    expect(first.status, first.out).toBe(0);
    for (const { name } of NODES) {
      expect(first.recap.get(name)?.changed, first.out).toBeGreaterThan(0);
      const installed = join(scratch.path, 'nodes', name);
      expect(readFileSync(join(installed, 'host.rules'), 'utf8')).toBe(readFileSync(join(out, name, 'host.rules'), 'utf8'));
      expect(statSync(join(installed, 'apply.sh')).mode & 0o777).toBe(0o755);
      expect(calls().filter((c) => c.startsWith(`apply node=${name} `)).at(-1)).toContain(`netns=${nsInode(name)} dir=${installed}`);
    }
    expect(first.out).toContain('"mode": "apply"');
    for (const options of [[], ['--check']]) {
      const again = play(inventory, ...options);
      expect(again.status, again.out).toBe(0);
      for (const { name } of NODES) expect(again.recap.get(name), again.out).toMatchObject({ changed: 0, failed: 0 });
    }
  }, 600_000);

  it('removes files the plan no longer has, and stops a node whose rules do not load before running apply.sh', () => {
    const stale = join(scratch.path, 'nodes', 'node1', 'tasks', 'mesh_web.9.rules');
    writeFileSync(stale, '*nat\nCOMMIT\n');
    const hostRules = join(out, 'node2', 'host.rules');
    const good = readFileSync(hostRules, 'utf8');
    // A rule iptables-restore cannot parse (an unknown option), as a broken edit would leave.
    writeFileSync(hostRules, good.replace('COMMIT', '-A MESHC-INGRESS -p tcp --no-such-option 1 -j ACCEPT\nCOMMIT'));
    const before = calls().length;
    const r = play(inventory);
    writeFileSync(hostRules, good);
    expect(r.status).not.toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(r.recap.get('node1'), r.out).toMatchObject({ failed: 0 });
    expect(r.recap.get('node1')?.changed).toBeGreaterThan(0);
    expect(r.recap.get('node2')?.failed, r.out).toBe(1);
    expect(r.out).toMatch(/meshc: \.\/host\.rules does not load \(iptables-restore --test\)/);
    expect(calls().slice(before).filter((c) => c.includes('node=node2 '))).toEqual([]);
  }, 300_000);

  it('fails a host the plan does not know and leaves hosts outside group meshc alone', () => {
    const hosts = `[meshc]\n${inventory}${hostLine('node3')}\n[other]\ndb ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n`;
    const r = play(hosts);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('node3 is not a node of stack mesh (nodes: node1, node2)');
    expect(r.recap.get('node3')?.failed).toBe(1);
    // meta end_host ends db before any task: no task result, and no recap line of its own.
    expect(r.out).not.toMatch(/(ok|changed|fatal|failed): \[db\]/);
    expect(r.recap.get('db')?.failed ?? 0).toBe(0);
    for (const { name } of NODES) expect(r.recap.get(name), r.out).toMatchObject({ failed: 0, changed: 0 });
  }, 300_000);
});
