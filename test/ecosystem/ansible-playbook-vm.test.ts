/**
 * The generated playbook under the real `ansible-playbook` against the real apply.sh,
 * in the VM suite's QEMU machine (Debian's kernel: this machine's has no IPVS, and
 * apply.sh rightly refuses to run without it). Python and ansible-core from this
 * machine's Debian packages are added to the VM's initramfs (ansible-vm/build-layer.sh).
 * Two inventory hosts, each a simulated node (a network namespace entered by its Python
 * interpreter, `ansible_connection=local`, its own `meshc_netns_prefix`, task containers
 * as named namespaces). The playbook runs --check --diff on fresh nodes (changed, kernel
 * untouched), applies (changed; MESHC chains and one IPVS service per node), applies
 * again (no change) and checks again (in sync). Not covered: ssh and `become`.
 *
 * Opt-in (MESHC_ANSIBLE_VM=1): Python under software emulation is slow, each Ansible
 * task costs seconds to minutes, so a run takes tens of minutes on a busy machine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, compileTree } from './ansible-helpers.js';
import { ROOT, announceSkip, hasTool, sh, tempDir } from './tools.js';

const scratch = tempDir('ansible-vm');
afterAll(() => scratch.remove());

const vmSkip = vmSkipReason();
announceSkip('ansible-playbook in the IPVS VM', vmSkip);

function vmSkipReason(): string | null {
  if (process.env.MESHC_ANSIBLE_VM !== '1') return 'opt-in: set MESHC_ANSIBLE_VM=1 (tens of minutes under QEMU emulation)';
  if (process.getuid?.() !== 0) return 'needs root';
  for (const tool of ['qemu-system-x86_64', 'busybox', 'cpio', 'ipvsadm', 'apt-get', 'ansible-playbook', 'dpkg-query']) {
    if (!hasTool(tool)) return `needs ${tool}`;
  }
  if (spawnSync('/usr/bin/python3', ['-c', 'import ansible, jinja2, yaml']).status !== 0) return "needs Debian's python3 with ansible-core";
  return null;
}

interface GuestReport {
  readonly runs: Map<string, { rc: number; seconds: number }>;
  readonly recaps: Map<string, Record<string, number>>;
  readonly states: Map<string, string>;
  readonly raw: string;
}

function parseReport(raw: string): GuestReport {
  const runs = new Map<string, { rc: number; seconds: number }>();
  const recaps = new Map<string, Record<string, number>>();
  const states = new Map<string, string>();
  for (const line of raw.split(/\r?\n/)) {
    const run = /^RUN (\S+) rc=(\d+) seconds=(\d+)/.exec(line);
    if (run) runs.set(run[1]!, { rc: Number(run[2]), seconds: Number(run[3]) });
    const recap = /^RECAP (\S+) (\S+) (.*)$/.exec(line);
    if (recap) recaps.set(`${recap[1]} ${recap[2]}`, Object.fromEntries([...recap[3]!.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])])));
    const state = /^STATE (\S+) (\S+) (.*)$/.exec(line);
    if (state) states.set(`${state[1]} ${state[2]}`, state[3]!);
  }
  return { runs, recaps, states, raw };
}

describe.skipIf(vmSkip)(vmSkip ? `generated playbook in the IPVS VM (skipped: ${vmSkip})` : 'generated playbook in the IPVS VM', () => {
  let report: GuestReport;

  beforeAll(async () => {
    const dir = join(scratch.path, 'scenario');
    const { plan } = await compileTree(join(dir, 'out'));
    const topo = [...plan.nodes.map((n) => `node ${n.name} ${n.address}`), ...plan.services.flatMap((s) => s.tasks.map((t) => `task ${t.node} ${t.name}`))];
    writeFileSync(join(dir, 'topo.txt'), topo.join('\n') + '\n');
    const hostVars = (n: string) =>
      `${n} ansible_connection=local ansible_become=false ansible_python_interpreter=/scenario/py-${n} meshc_netns_prefix=${n}- meshc_task_netns=netns meshc_dir=/var/lib/meshc-nodes/${n}`;
    writeFileSync(join(dir, 'hosts'), plan.nodes.map((n) => hostVars(n.name)).join('\n') + '\n');
    writeFileSync(join(dir, 'main.sh'), readFileSync(join(ROOT, 'test/ecosystem/ansible-vm/scenario.sh')));
    chmodSync(join(dir, 'main.sh'), 0o755);
    const results = join(scratch.path, 'results.txt');
    const boot = sh(['bash', join(ROOT, 'test/ecosystem/ansible-vm/boot.sh'), dir, results], { timeoutMs: 3_700_000 });
    const raw = readFileSync(results, 'utf8');
    if (boot.status !== 0) throw new Error(`${boot.out}\n${raw}\n${readFileSync(`${results}.console`, 'utf8').slice(-3000)}`);
    report = parseReport(raw);
  }, 3_800_000);

  const nodes = NODES.map((n) => n.name);

  it('--check on fresh nodes reports changes (and shows the dry run) without changing the kernel', () => {
    expect(report.runs.get('check'), report.raw).toMatchObject({ rc: 0 });
    for (const n of nodes) {
      expect(report.recaps.get(`check ${n}`)?.changed, report.raw).toBeGreaterThan(0);
      expect(report.states.get(`check ${n}`)).toBe(report.states.get(`before ${n}`));
      expect(report.states.get(`check ${n}`)).toBe('chains=0 sandbox=no ipvs=0');
    }
    expect(report.raw).toContain('DRYRUN check shown');
  });

  it('the first run applies and reports changed; the kernel then holds the mesh', () => {
    expect(report.runs.get('apply1'), report.raw).toMatchObject({ rc: 0 });
    for (const n of nodes) {
      expect(report.recaps.get(`apply1 ${n}`)?.changed, report.raw).toBeGreaterThan(0);
      expect(report.recaps.get(`apply1 ${n}`)?.failed).toBe(0);
      expect(report.states.get(`apply1 ${n}`), report.raw).toMatch(/^chains=[1-9]\d* sandbox=yes ipvs=1$/);
    }
  });

  it('the second run changes nothing, and --check then says the nodes are in sync', () => {
    for (const label of ['apply2', 'check2']) {
      expect(report.runs.get(label), report.raw).toMatchObject({ rc: 0 });
      for (const n of nodes) {
        expect(report.recaps.get(`${label} ${n}`), report.raw).toMatchObject({ changed: 0, failed: 0 });
      }
    }
    for (const n of nodes) expect(report.states.get(`end ${n}`)).toBe(report.states.get(`apply1 ${n}`));
  });
});
