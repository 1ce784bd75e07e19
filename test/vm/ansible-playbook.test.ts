/**
 * The generated playbook under the real `ansible-playbook` against the real apply.sh, in
 * the VM suite's QEMU machine (Debian's kernel: this machine's has no IPVS, and apply.sh
 * rightly refuses to run without it).
 *
 * One Ansible inventory is the source of truth, as for a user: on this machine the real
 * `ansible-inventory --list` turns it into the JSON `meshc compile -i -` reads, and in the
 * VM the same file is the `-i` of ansible-playbook. Python and ansible-core from this
 * machine's Debian packages are added to the VM's initramfs (ansible/build-layer.sh).
 * Each inventory host is a simulated node: a network namespace entered by its Python
 * interpreter (`ansible_connection=local`), with its own `meshc_netns_prefix` and task
 * containers as named namespaces, each serving HTTP. The service is health-checked, so the
 * playbook also delivers the health agent. The playbook runs --check --diff on fresh nodes
 * (changed, kernel untouched) and applies (changed; MESHC chains and IPVS services). Then
 * the agents start, and the service serves traffic from every node; one task's server
 * dies and it leaves every node's balancer; it comes back. A second run, with the agents
 * running, reports changed=0. Not covered here: ssh, `become`, and systemd: the VM has none
 * (its hosts set meshc_systemd=false), so the guest runs the ExecStart and Environment of
 * the drop-in the playbook installed in its place. The unit and drop-in are verified with
 * `systemd-analyze verify`, and the playbook's systemctl tasks under a double, by
 * test/ecosystem/ansible-playbook.test.ts.
 * The full VM matrix (`npm run test:vm-full`) adds the same single stack compiled with
 * `--dataplane nftables` (issue 16: the same playbook and scenario; the state is meshc's
 * nftables tables and the service chain's backends instead of MESHC chains and IPVS), and
 * the three-stack cluster of fixtures/cluster on three nodes through the same path
 * (ansible/cluster-scenario.sh): applied, every stack's published port round robin from
 * every node with the agents running, and a second run with changed=0. CI runs the single
 * stack on the IPVS dataplane.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { nodeIo } from '../../src/cli/io.js';
import type { Plan } from '../../src/model/plan.js';
import { NODES, STACK } from '../ecosystem/ansible-helpers.js';
import { hasTool } from '../ecosystem/tools.js';
import { ROOT, nftVmUnavailable, parseResults, topology, vmUnavailable } from './harness.js';

const skip = skipReason();
const scratch = mkdtempSync(join(tmpdir(), 'meshc-ansible-vm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function skipReason(): string | null {
  const vm = vmUnavailable();
  if (vm) return vm;
  for (const tool of ['ansible-playbook', 'ansible-inventory', 'dpkg-query']) if (!hasTool(tool)) return `needs ${tool}`;
  if (spawnSync('/usr/bin/python3', ['-c', 'import ansible, jinja2, yaml']).status !== 0) return "needs Debian's python3 with ansible-core";
  return null;
}
if (skip) console.warn(`SKIPPED ansible-playbook in the IPVS VM: ${skip}`);
const clusterSkip = skip ?? (process.env.MESHC_VM_FULL === '1' ? null : 'part of the full VM matrix: run `npm run test:vm-full`');
if (clusterSkip && !skip) console.warn(`SKIPPED ansible-playbook on the 3-stack cluster in the IPVS VM: ${clusterSkip}`);
const nftSkip = clusterSkip ?? nftVmUnavailable();
if (nftSkip && !skip) console.warn(`SKIPPED ansible-playbook on the nftables dataplane in the VM: ${nftSkip}`);

interface GuestReport {
  readonly runs: Map<string, { rc: number; seconds: number }>;
  readonly recaps: Map<string, Record<string, number>>;
  readonly states: Map<string, string>;
  readonly dryRun: Map<string, number>;
  /** How long until every node had the weights (ms, or null on timeout), by label. */
  readonly waits: Map<string, number | null>;
  /** The tasks that answered new connections, by `label node`. */
  readonly traffic: Map<string, string[]>;
  readonly victim: string;
  readonly raw: string;
}

function parseReport(raw: string): GuestReport {
  const runs = new Map<string, { rc: number; seconds: number }>();
  const recaps = new Map<string, Record<string, number>>();
  const states = new Map<string, string>();
  const dryRun = new Map<string, number>();
  const waits = new Map<string, number | null>();
  const traffic = new Map<string, string[]>();
  let victim = '';
  for (const line of raw.split(/\r?\n/)) {
    const wait = /^WAIT (\S+) (\S+)/.exec(line);
    if (wait) waits.set(wait[1]!, wait[2] === 'timeout' ? null : Number(wait[2]));
    const got = /^TRAFFIC (\S+) (\S+) ?(.*)$/.exec(line);
    if (got) traffic.set(`${got[1]} ${got[2]}`, got[3]!.split(' ').filter(Boolean));
    const v = /^VICTIM (\S+)$/.exec(line);
    if (v) victim = v[1]!;
    const runLine = /^RUN (\S+) rc=(\d+) seconds=(\d+)/.exec(line);
    if (runLine) runs.set(runLine[1]!, { rc: Number(runLine[2]), seconds: Number(runLine[3]) });
    const recap = /^RECAP (\S+) (\S+) (.*)$/.exec(line);
    if (recap) recaps.set(`${recap[1]} ${recap[2]}`, Object.fromEntries([...recap[3]!.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])])));
    const state = /^STATE (\S+) (\S+) (.*)$/.exec(line);
    if (state) states.set(`${state[1]} ${state[2]}`, state[3]!);
    const dry = /^DRYRUN (\S+) (\d+)$/.exec(line);
    if (dry) dryRun.set(dry[1]!, Number(dry[2]));
  }
  return { runs, recaps, states, dryRun, waits, traffic, victim, raw };
}

/** The inventory both tools read: group meshc, each host a simulated node in the VM. */
function ansibleHosts(nodes: readonly { readonly name: string; readonly address: string }[] = NODES): string {
  const host = (n: (typeof nodes)[number]) =>
    `${n.name} ansible_host=${n.address} ansible_connection=local ansible_become=false ansible_python_interpreter=/scenario/py-${n.name}` +
    ` meshc_netns_prefix=${n.name}- meshc_task_netns=netns meshc_dir=/var/lib/meshc-nodes/${n.name}` +
    ` meshc_systemd=false meshc_systemd_dir=/var/lib/meshc-nodes/${n.name}-systemd`;
  return ['[meshc]', ...nodes.map(host), ''].join('\n');
}

/** `ansible-inventory -i hosts --list | meshc compile FILE -i - -o out/ ARGS`, meshc in-process (FILE: a stack or cluster file in `dir`). */
async function compileFromAnsibleInventory(dir: string, file = 'mesh.yml', args: readonly string[] = []): Promise<Plan> {
  const list = spawnSync('ansible-inventory', ['-i', join(dir, 'hosts'), '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  if (list.status !== 0) throw new Error(`ansible-inventory failed: ${list.stderr}`);
  let stderr = '';
  const io = { ...nodeIo(), cwd: dir, stdout: () => undefined, stderr: (t: string) => void (stderr += t), readStdin: () => Buffer.from(list.stdout) };
  const code = await run(['compile', join(dir, file), '-i', '-', '-o', join(dir, 'out'), ...args], io);
  if (code !== 0) throw new Error(`meshc compile exited ${code}: ${stderr}`);
  return JSON.parse(readFileSync(join(dir, 'out', 'plan.json'), 'utf8')) as Plan;
}

/**
 * What the guest's `state` reports per node (ansible/scenario.sh): before meshc, and once
 * the stack (two published ports, two tasks) is applied. IPVS: MESHC chains on the node,
 * the sandbox, fwmark services and real servers in it. nftables: meshc's tables on the
 * node (host), the sandbox, service chains in it and the backends of their round robin.
 */
const STATES = {
  ipvs: { before: 'chains=0 sandbox=no ipvs=0 real=0', applied: /^chains=[1-9]\d* sandbox=yes ipvs=1 real=2$/ },
  nftables: { before: 'tables=0 sandbox=no chains=0 backends=0', applied: /^tables=1 sandbox=yes chains=1 backends=2$/ },
} as const;

for (const dataplane of ['ipvs', 'nftables'] as const) {
  const dpSkip = dataplane === 'ipvs' ? skip : nftSkip;
  const title = dataplane === 'ipvs'
    ? 'the generated playbook, run by ansible-playbook against the real runner in the IPVS VM'
    : `the generated playbook, run by ansible-playbook against the real runner in the VM, nftables dataplane${dpSkip ? ` (skipped: ${dpSkip})` : ''}`;
  describe.skipIf(dpSkip)(title, () => {
    let report: GuestReport;
    let plan: Plan;

    beforeAll(async () => {
      const work = join(scratch, `work-${dataplane}`);
      const dir = join(scratch, `scenario-${dataplane}`);
      mkdirSync(work);
      mkdirSync(dir);
      writeFileSync(join(work, 'mesh.yml'), STACK);
      writeFileSync(join(work, 'hosts'), ansibleHosts());
      plan = await compileFromAnsibleInventory(work, 'mesh.yml', ['--dataplane', dataplane]);
      // The guest gets the output tree and the very inventory meshc compiled with.
      spawnSync('cp', ['-a', join(work, 'out'), join(dir, 'out')]);
      copyFileSync(join(work, 'hosts'), join(dir, 'hosts'));
      const web = plan.services[0]!;
      const topo = [
        ...plan.nodes.map((n) => `node ${n.name} ${n.address}`),
        ...web.tasks.map((t) => `task ${t.node} ${t.name} ${t.ip}`),
        `mark ${web.fwmark}`,
        `dataplane ${dataplane}`,
      ];
      writeFileSync(join(dir, 'topo.txt'), topo.join('\n') + '\n');
      copyFileSync(join(ROOT, 'test/vm/ansible/scenario.sh'), join(dir, 'main.sh'));
      chmodSync(join(dir, 'main.sh'), 0o755);
      const results = join(scratch, `results-${dataplane}.txt`);
      const started = Date.now();
      const boot = spawnSync('bash', [join(ROOT, 'test/vm/ansible/boot.sh'), dir, results], { encoding: 'utf8', timeout: 3_700_000 });
      const raw = readFileSync(results, 'utf8');
      if (boot.status !== 0) throw new Error(`${boot.stderr}\n${raw}\n${readFileSync(`${results}.console`, 'utf8').slice(-3000)}`);
      report = parseReport(raw);
      console.log(`ansible-playbook (${dataplane}): boot ${((Date.now() - started) / 1000).toFixed(0)} s; runs: ${[...report.runs].map(([k, v]) => `${k} ${v.seconds}s`).join(', ')}`);
      console.log(`health: ${[...report.waits].map(([k, v]) => `${k} after ${v ?? 'timeout'} ms`).join(', ')}`);
    }, 3_800_000);

    it('meshc compiled the Ansible inventory: its hosts, addresses and one task each', () => {
      expect(plan.settings.dataplane).toBe(dataplane);
      expect(plan.nodes.map((n) => `${n.name} ${n.address}`)).toEqual(NODES.map((n) => `${n.name} ${n.address}`));
      expect(plan.services[0]!.tasks.map((t) => t.node).sort()).toEqual(['node1', 'node2']);
    });

    it('--check --diff on fresh nodes reports changes and shows the rules, without changing the kernel', () => {
      expect(report.runs.get('check'), report.raw).toMatchObject({ rc: 0 });
      for (const n of NODES) {
        expect(report.recaps.get(`check ${n.name}`)?.changed, report.raw).toBeGreaterThan(0);
        expect(report.states.get(`before ${n.name}`)).toBe(STATES[dataplane].before);
        expect(report.states.get(`check ${n.name}`)).toBe(report.states.get(`before ${n.name}`));
      }
      // The dry run's `+ -A MESHC-…` lines (per node: host, sandbox and task rules), or its
      // `+table inet meshc_…` lines (per node: host, sandbox and task tables).
      expect(report.dryRun.get('check'), report.raw).toBeGreaterThan(dataplane === 'ipvs' ? 10 : 5);
    });

    it('the first run applies and reports changed; the kernel then holds the mesh', () => {
      expect(report.runs.get('apply1'), report.raw).toMatchObject({ rc: 0 });
      for (const n of NODES) {
        expect(report.recaps.get(`apply1 ${n.name}`)?.changed, report.raw).toBeGreaterThan(0);
        expect(report.recaps.get(`apply1 ${n.name}`)?.failed).toBe(0);
        // Two published ports, TCP and UDP: one service (fwmark service or chain) with a backend per task.
        expect(report.states.get(`apply1 ${n.name}`), report.raw).toMatch(STATES[dataplane].applied);
      }
      // Not in --diff mode: no dry run is printed.
      expect(report.dryRun.get('apply1')).toBe(0);
    });

    it('with the agents running, the health-checked service serves traffic from every node', () => {
      const tasks = plan.services[0]!.tasks.map((t) => t.name).sort();
      expect(report.waits.get('healthy'), report.raw).toEqual(expect.any(Number));
      for (const n of NODES) expect(report.traffic.get(`healthy ${n.name}`), report.raw).toEqual(tasks);
    });

    it('a task whose server dies leaves every node\'s balancer, and returns once it serves again', () => {
      const tasks = plan.services[0]!.tasks.map((t) => t.name).sort();
      expect(tasks).toContain(report.victim);
      expect(report.waits.get('unhealthy'), report.raw).toEqual(expect.any(Number));
      for (const n of NODES) expect(report.traffic.get(`unhealthy ${n.name}`), report.raw).toEqual(tasks.filter((t) => t !== report.victim));
      expect(report.waits.get('recovered'), report.raw).toEqual(expect.any(Number));
      for (const n of NODES) expect(report.traffic.get(`recovered ${n.name}`), report.raw).toEqual(tasks);
    });

    it('the second run, with the agents running, changes nothing', () => {
      expect(report.runs.get('apply2'), report.raw).toMatchObject({ rc: 0 });
      for (const n of NODES) expect(report.recaps.get(`apply2 ${n.name}`), report.raw).toMatchObject({ changed: 0, failed: 0 });
      for (const n of NODES) expect(report.states.get(`end ${n.name}`)).toBe(report.states.get(`apply1 ${n.name}`));
    });
  });
}

/** fixtures/cluster's three nodes, on the VM suite's LAN (lib.sh). */
const CLUSTER_NODES = [
  { name: 'node1', address: '192.168.56.11' },
  { name: 'node2', address: '192.168.56.12' },
  { name: 'node3', address: '192.168.56.13' },
] as const;

describe.skipIf(clusterSkip)('the generated playbook on a cluster of three stacks, run by ansible-playbook in the IPVS VM (issue 12)', () => {
  let report: GuestReport;
  let checks: ReturnType<typeof parseResults>['checks'];
  let plan: Plan;

  beforeAll(async () => {
    const work = join(scratch, 'cluster-work');
    const dir = join(scratch, 'cluster-scenario');
    // A copy of the fixture: compiling writes the cluster's lock beside its file.
    cpSync(join(ROOT, 'fixtures/cluster'), work, { recursive: true, filter: (src) => !src.includes('_expected') });
    mkdirSync(dir);
    writeFileSync(join(work, 'hosts'), ansibleHosts(CLUSTER_NODES));
    plan = await compileFromAnsibleInventory(work, 'meshc.yml');
    spawnSync('cp', ['-a', join(work, 'out'), join(dir, 'out')]);
    copyFileSync(join(work, 'hosts'), join(dir, 'hosts'));
    writeFileSync(join(dir, 'topo.txt'), topology(plan, { fullNames: true }));
    copyFileSync(join(ROOT, 'test/vm/scenarios/lib.sh'), join(dir, 'lib.sh'));
    copyFileSync(join(ROOT, 'test/vm/ansible/cluster-scenario.sh'), join(dir, 'main.sh'));
    chmodSync(join(dir, 'main.sh'), 0o755);
    const results = join(scratch, 'cluster-results.txt');
    const started = Date.now();
    const boot = spawnSync('bash', [join(ROOT, 'test/vm/ansible/boot.sh'), dir, results], { encoding: 'utf8', timeout: 3_700_000 });
    const raw = readFileSync(results, 'utf8');
    if (boot.status !== 0) throw new Error(`${boot.stderr}\n${raw}\n${readFileSync(`${results}.console`, 'utf8').slice(-3000)}`);
    report = parseReport(raw);
    ({ checks } = parseResults(raw));
    console.log(`ansible-playbook on the cluster: boot ${((Date.now() - started) / 1000).toFixed(0)} s; runs: ${[...report.runs].map(([k, v]) => `${k} ${v.seconds}s`).join(', ')}`);
  }, 3_800_000);

  function expectCheck(name: string): void {
    const c = checks.get(name);
    expect(c, `guest never reported ${name}\n${report.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }
  const ingressPorts = () => plan.services.flatMap((s) => (s.fwmark === null ? [] : s.ports.filter((p) => p.mode === 'ingress')));

  it('meshc compiled the cluster file with the Ansible inventory: three stacks on its three hosts', () => {
    expect(plan.nodes.map((n) => `${n.name} ${n.address}`)).toEqual(CLUSTER_NODES.map((n) => `${n.name} ${n.address}`));
    expect([...new Set(plan.services.map((s) => s.fullName.split('_')[0]))].sort()).toEqual(['app', 'monitoring', 'proxy']);
    expect(new Set(ingressPorts().map((p) => p.protocol))).toEqual(new Set(['tcp', 'udp']));
  });

  it('the first run applies the whole mesh on every host', () => {
    expect(report.runs.get('apply1'), report.raw).toMatchObject({ rc: 0 });
    for (const n of CLUSTER_NODES) {
      expect(report.recaps.get(`apply1 ${n.name}`)?.changed, report.raw).toBeGreaterThan(0);
      expect(report.recaps.get(`apply1 ${n.name}`)?.failed).toBe(0);
    }
  });

  it('with the agents the playbook installed running, every stack\'s published port balances round robin from every node', () => {
    expectCheck('ansible-cluster.admitted');
    const rr = [...checks].filter(([k]) => k.startsWith('ansible-cluster.rr.'));
    expect(rr.length, report.raw).toBe(ingressPorts().length);
    expect(rr.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`)).toEqual([]);
  });

  it('the health-checked service\'s task leaves every balancer when its server dies, and returns when it serves again', () => {
    for (const name of ['ansible-cluster.unhealthy', 'ansible-cluster.unhealthy.rr', 'ansible-cluster.recovered', 'ansible-cluster.recovered.rr']) expectCheck(name);
  });

  it('the second run, with the agents running, changes nothing', () => {
    expect(report.runs.get('apply2'), report.raw).toMatchObject({ rc: 0 });
    for (const n of CLUSTER_NODES) expect(report.recaps.get(`apply2 ${n.name}`), report.raw).toMatchObject({ changed: 0, failed: 0 });
  });
});
