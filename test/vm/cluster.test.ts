/**
 * Issue 12 in a real kernel with IPVS: a cluster of stacks (fixtures/cluster: a proxy stack
 * with ingress and host-mode ports, an application stack with an HTTP health-checked
 * service, a monitoring stack with a global service) compiled by `meshc compile meshc.yml`
 * for 3 nodes, then a fourth stack added and one removed, one lock carried through. The
 * guest (scenarios/s6-cluster.sh) runs every node's apply.sh and health agent and reports
 * checks: TCP and UDP round robin from every node for every stack after each apply, a
 * long-lived TCP connection through the untouched monitoring stack surviving both applies,
 * the removed stack's port closed and its tasks clean, `--check` in sync at the end.
 * Skipped until `meshc compile` accepts cluster files (the fixture is its sign), and where
 * the VM suite cannot run.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { ROOT, bootVm, prepareVm, scenarioDir, vmUnavailable, writeClusterVariant, type VmResult } from './harness.js';

const FIXTURE = join(ROOT, 'fixtures/cluster');
// The full VM matrix (npm run test:vm-full): CI keeps the mesh, lifecycle, health and Ansible
// scenarios, which cover the same runner; this one adds 7 min under emulation.
const skip =
  vmUnavailable() ??
  (process.env.MESHC_VM_FULL === '1' ? null : 'part of the full VM matrix: run `npm run test:vm-full`') ??
  (existsSync(join(FIXTURE, 'meshc.yml')) ? null : 'needs the cluster compile (fixtures/cluster/meshc.yml, issue 12)');
if (skip) console.warn(`SKIPPED cluster of stacks in the IPVS VM: ${skip}`);

/** A fourth stack on ports no other stack publishes, TCP and UDP. */
const EXTRA = 'version: "3.8"\nservices:\n  echo:\n    image: busybox\n    deploy:\n      replicas: 2\n    ports:\n      - "7000:7000"\n      - "7000:7000/udp"\n';

describe.skipIf(skip !== null)(`a cluster of stacks in a VM: one mesh per node (issue 12)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let vm: VmResult;
  const plans = new Map<string, Plan>();

  beforeAll(async () => {
    prepareVm();
    const dir = scenarioDir(['s6-cluster.sh']);
    // A copy of the fixture: compiling writes the cluster's lock beside its file.
    const work = mkdtempSync(join(tmpdir(), 'meshc-cluster-'));
    cpSync(FIXTURE, work, { recursive: true, filter: (src) => !src.includes('_expected') });
    writeFileSync(join(work, 'stacks', 'extra.yml'), EXTRA);
    const clusterFile = join(work, 'meshc.yml');
    const base = parse(readFileSync(clusterFile, 'utf8')) as { stacks: Record<string, unknown> };
    const variants: [string, Record<string, unknown>][] = [
      ['c3', base.stacks],
      ['c4', { ...base.stacks, extra: 'stacks/extra.yml' }],
      ['c3b', Object.fromEntries(Object.entries({ ...base.stacks, extra: 'stacks/extra.yml' }).filter(([k]) => k !== 'app'))],
    ];
    const hold = ['monitoring_node-exporter'];
    for (const [name, stacks] of variants) {
      writeFileSync(clusterFile, stringify({ ...base, stacks }));
      plans.set(name, await writeClusterVariant(dir, name, clusterFile, { hold }));
    }
    vm = bootVm(dir, 'legacy');
    const metrics = [...vm.metrics].filter(([k]) => k.startsWith('cluster.')).map(([k, v]) => `${k}=${v}`);
    console.log(`cluster VM: ${metrics.join(' ')}`);
  }, 3_600_000);

  function expectCheck(name: string): void {
    const c = vm.checks.get(name);
    expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }
  function expectAll(prefix: string, atLeast: number): void {
    const mine = [...vm.checks].filter(([k]) => k.startsWith(prefix));
    expect(mine.length, vm.raw).toBeGreaterThanOrEqual(atLeast);
    expect(mine.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`)).toEqual([]);
  }
  const ingressPorts = (plan: Plan) => plan.services.flatMap((s) => (s.fwmark === null ? [] : s.ports.filter((p) => p.mode === 'ingress')));

  it('compiles three stacks for three nodes, then four, then three again, moving nothing that stays', () => {
    expect(plans.get('c3')!.nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
    const stacks = (p: Plan) => [...new Set(p.services.map((s) => s.fullName.split('_')[0]))].sort();
    expect(stacks(plans.get('c3')!)).toEqual(['app', 'monitoring', 'proxy']);
    expect(stacks(plans.get('c4')!)).toEqual(['app', 'extra', 'monitoring', 'proxy']);
    expect(stacks(plans.get('c3b')!)).toEqual(['extra', 'monitoring', 'proxy']);
    const where = (p: Plan) => new Map(p.services.map((s) => [s.fullName, JSON.stringify([s.fwmark, s.vip, s.ports, s.tasks.map((t) => t.ip)])]));
    for (const [later, earlier] of [['c4', 'c3'], ['c3b', 'c4']] as const) {
      const before = where(plans.get(earlier)!);
      for (const [name, alloc] of where(plans.get(later)!)) if (before.has(name)) expect(alloc, name).toBe(before.get(name));
    }
    // Both protocols are among the published ports, so round robin is checked for each.
    expect(new Set(ingressPorts(plans.get('c4')!).map((p) => p.protocol))).toEqual(new Set(['tcp', 'udp']));
  });

  it('every node balances every stack\'s TCP and UDP ports round robin to the right tasks', () => {
    expectCheck('cluster.c3.apply');
    expectAll('cluster.c3.rr.', ingressPorts(plans.get('c3')!).length);
  });

  it('adding a fourth stack: every stack still balanced, the long-lived connection survives', () => {
    expectCheck('cluster.long-lived.open');
    expectCheck('cluster.add.apply');
    expectAll('cluster.add.rr.', ingressPorts(plans.get('c4')!).length);
    expectCheck('cluster.add.long-lived');
  });

  it('removing a stack: exactly its port and task rules go, the others and the connection stay', () => {
    expectCheck('cluster.remove.apply');
    expectAll('cluster.remove.rr.', ingressPorts(plans.get('c3b')!).length);
    expectCheck('cluster.remove.long-lived');
    expectCheck('cluster.remove.app-closed');
    expectCheck('cluster.remove.app-tasks-clean');
  });

  it('--check reports every node in sync afterwards', () => {
    expectCheck('cluster.in-sync');
  });
});
