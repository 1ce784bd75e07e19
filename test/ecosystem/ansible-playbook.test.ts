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
 *
 * The stack is health-checked, so every node also gets the health agent and its systemd
 * unit. There is no systemd to manage a simulated node's units: `systemctl` is
 * systemctl-double.sh (first on the node's PATH), which answers ansible's systemd_service
 * module from a per-node state and logs every call. What this proves: the agent's files,
 * unit and drop-in land where the host's vars say, the agent is enabled and started once,
 * restarted when (and only when) its files change, shown by --check --diff, and stopped,
 * disabled and deleted when the stack no longer needs it. The unit and drop-in as
 * installed pass `systemd-analyze verify`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, STACK_PLAIN, compileTree, recap } from './ansible-helpers.js';
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
  const vars =
    `meshc_netns_prefix=${node}- meshc_task_netns=netns meshc_dir=${join(scratch.path, 'nodes', node)}` +
    ` meshc_systemd_dir=${unitDir(node)}`;
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

const unitDir = (node: string) => join(scratch.path, 'systemd', node);
const UNIT = 'meshc-health.service';
/** The systemctl double's log for a node: one line per call, e.g. `start meshc-health.service`. */
const systemctl = (node: string) => {
  const log = join(state, `systemd-${node}`, 'calls');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
};
const unitState = (node: string) => ['enabled', 'active'].filter((s) => existsSync(join(state, `systemd-${node}`, `${UNIT}.${s}`)));
const actions = (lines: string[]) => lines.filter((l) => /^(enable|disable|start|stop|restart|daemon-reload)\b/.test(l)).map((l) => l.split(' ')[0]);

/** Compiles `stack` into out/ afresh, with each node's apply.sh replaced by the runner double. */
async function prepareTree(stackText?: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  await compileTree(out, stackText);
  const double = readFileSync(join(ROOT, 'test/ecosystem/runner-double.sh'), 'utf8');
  for (const { name } of NODES) writeFileSync(join(out, name, 'apply.sh'), double.replace('@NODE@', name).replace('@STATE@', state));
}

const calls = () => (existsSync(join(state, 'calls')) ? readFileSync(join(state, 'calls'), 'utf8').trim().split('\n') : []);
const nsInode = (node: string) => String(statSync(`/run/netns/${netns(node)}`).ino);
const inventory = NODES.map((n) => hostLine(n.name)).join('\n') + '\n';

describe.skipIf(skip)(skip ? `playbook on simulated nodes (skipped: ${skip})` : 'generated playbook on simulated nodes', () => {
  beforeAll(async () => {
    mkdirSync(state);
    await prepareTree();
    const bin = join(scratch.path, 'bin');
    mkdirSync(bin);
    copyFileSync(join(ROOT, 'test/ecosystem/systemctl-double.sh'), join(bin, 'systemctl'));
    chmodSync(join(bin, 'systemctl'), 0o755);
    for (const { name } of NODES) {
      spawnSync('ip', ['netns', 'add', netns(name)]);
      const env = `PATH=${bin}:$PATH SYSTEMCTL_DOUBLE_STATE=${join(state, `systemd-${name}`)} SYSTEMCTL_DOUBLE_UNITS=${unitDir(name)}`;
      writeFileSync(join(scratch.path, `py-${name}`), `#!/bin/sh\nexec env ${env} nsenter --net=/run/netns/${netns(name)} /usr/bin/python3 "$@"\n`);
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
    // The agent's files and unit, shown as diffs and not installed; systemd is not touched.
    expect(r.out).toMatch(/\+\+\+ after: .*\/node1\/health-agent\.sh/);
    expect(r.out).toContain(`+ExecStart=/bin/bash "${join(scratch.path, 'nodes', 'node1')}/health-agent.sh"`);
    for (const { name } of NODES) {
      expect(existsSync(join(unitDir(name), UNIT)), 'no unit installed').toBe(false);
      expect(actions(systemctl(name))).toEqual([]);
    }
  }, 300_000);

  it('applies once with changed, installs the tree, then a second run and --check change nothing', () => {
    const first = play(inventory);
    expect(first.status, first.out).toBe(0);
    for (const { name } of NODES) {
      expect(first.recap.get(name)?.changed, first.out).toBeGreaterThan(0);
      const installed = join(scratch.path, 'nodes', name);
      expect(readFileSync(join(installed, 'host.rules'), 'utf8')).toBe(readFileSync(join(out, name, 'host.rules'), 'utf8'));
      // The shared folder beside the node's, where apply.sh looks for it (docs/runner.md).
      expect(readFileSync(join(installed, '..', 'shared', 'host.rules'), 'utf8')).toBe(readFileSync(join(out, 'shared', 'host.rules'), 'utf8'));
      expect(statSync(join(installed, 'apply.sh')).mode & 0o777).toBe(0o755);
      expect(calls().filter((c) => c.startsWith(`apply node=${name} `)).at(-1)).toContain(`netns=${nsInode(name)} dir=${installed}`);
      // The agent: installed beside apply.sh, its unit and drop-in where the host's vars say,
      // enabled and started once (the restart its new files asked for is not run on top).
      expect(readFileSync(join(installed, 'health-agent.sh'), 'utf8')).toBe(readFileSync(join(out, name, 'health-agent.sh'), 'utf8'));
      expect(statSync(join(installed, 'health-agent.sh')).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(unitDir(name), UNIT), 'utf8')).toBe(readFileSync(join(out, name, UNIT), 'utf8'));
      const dropIn = readFileSync(join(unitDir(name), `${UNIT}.d`, 'meshc.conf'), 'utf8');
      expect(dropIn).toContain(`Environment="MESHC_NETNS_PREFIX=${name}-" "MESHC_TASK_NETNS=netns"\n`);
      expect(dropIn).toContain(`ExecStart=\nExecStart=/bin/bash "${installed}/health-agent.sh"\n`);
      expect(actions(systemctl(name))).toEqual(['daemon-reload', 'enable', 'start']);
      expect(unitState(name)).toEqual(['enabled', 'active']);
    }
    expect(first.out).toContain('"mode": "apply"');
    for (const options of [[], ['--check']]) {
      const again = play(inventory, ...options);
      expect(again.status, again.out).toBe(0);
      for (const { name } of NODES) expect(again.recap.get(name), again.out).toMatchObject({ changed: 0, failed: 0 });
    }
    for (const { name } of NODES) expect(actions(systemctl(name))).toEqual(['daemon-reload', 'enable', 'start']);
  }, 600_000);

  it.skipIf(!hasTool('systemd-analyze'))('the unit with its drop-in, as installed, passes systemd-analyze verify', () => {
    // verify reads drop-ins from the unit's own directory; bash and the agent must exist.
    const r = spawnSync('systemd-analyze', ['verify', join(unitDir('node1'), UNIT)], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Unknown (key|section)|bad-setting|Invalid|not executable|No such file/i);
    expect(r.status, r.stderr).toBe(0);
  });

  it('--check --diff shows a changed agent without restarting it; the next run restarts it on that node only', () => {
    const agent = join(out, 'node1', 'health-agent.sh');
    const installed = join(scratch.path, 'nodes', 'node1', 'health-agent.sh');
    writeFileSync(agent, readFileSync(agent, 'utf8') + '# recompiled\n');
    const check = play(inventory, '--check', '--diff');
    expect(check.status, check.out).toBe(0);
    expect(check.recap.get('node1')?.changed, check.out).toBeGreaterThan(0);
    expect(check.recap.get('node2'), check.out).toMatchObject({ changed: 0 });
    expect(check.out).toContain('+# recompiled');
    expect(readFileSync(installed, 'utf8')).not.toContain('# recompiled');
    expect(actions(systemctl('node1'))).toEqual(['daemon-reload', 'enable', 'start']);
    const apply = play(inventory);
    expect(apply.status, apply.out).toBe(0);
    expect(readFileSync(installed, 'utf8')).toContain('# recompiled');
    expect(actions(systemctl('node1'))).toEqual(['daemon-reload', 'enable', 'start', 'daemon-reload', 'restart']);
    expect(actions(systemctl('node2'))).toEqual(['daemon-reload', 'enable', 'start']);
    expect(apply.recap.get('node2'), apply.out).toMatchObject({ changed: 0 });
  }, 600_000);

  it('removes files the plan no longer has, and stops a node whose rules do not load before running apply.sh', () => {
    const stale = join(scratch.path, 'nodes', 'node1', 'tasks', 'mesh_web.9.rules');
    writeFileSync(stale, '*nat\nCOMMIT\n');
    const hostRules = join(out, 'node2', 'host.rules');
    const good = readFileSync(hostRules, 'utf8');
    // A rule iptables-restore cannot parse (an unknown option), as a broken edit would leave
    // (validated as apply.sh loads it: the node's part, then the shared part).
    writeFileSync(hostRules, `${good}*nat\n:MESHC-INGRESS - [0:0]\n-A MESHC-INGRESS -p tcp --no-such-option 1 -j ACCEPT\nCOMMIT\n`);
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

  it('stops, disables and deletes the agent once no service is health-checked, then stays unchanged', async () => {
    await prepareTree(STACK_PLAIN);
    const r = play(inventory);
    expect(r.status, r.out).toBe(0);
    for (const { name } of NODES) {
      expect(r.recap.get(name)?.changed, r.out).toBeGreaterThan(0);
      expect(actions(systemctl(name)).slice(-3).sort()).toEqual(['daemon-reload', 'disable', 'stop']);
      expect(unitState(name)).toEqual([]);
      expect(existsSync(join(unitDir(name), UNIT))).toBe(false);
      expect(existsSync(join(unitDir(name), `${UNIT}.d`))).toBe(false);
      for (const f of ['health-agent.sh', 'health.marks', UNIT]) expect(existsSync(join(scratch.path, 'nodes', name, f)), f).toBe(false);
      expect(existsSync(join(scratch.path, 'nodes', name, 'apply.sh'))).toBe(true);
    }
    const before = NODES.map((n) => systemctl(n.name).length);
    const again = play(inventory);
    for (const { name } of NODES) expect(again.recap.get(name), again.out).toMatchObject({ changed: 0, failed: 0 });
    // Nothing asks systemd about a unit that is not there.
    expect(NODES.map((n) => systemctl(n.name).length)).toEqual(before);
  }, 600_000);
});
