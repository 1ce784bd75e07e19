/**
 * Lifecycle and faults on the nftables dataplane (issue 16's "the existing VM scenarios run
 * on both dataplanes"), in Debian's kernel with its nft 1.0.6: the very guest scripts of
 * mesh.test.ts's IPVS describes (scenarios/s1-seed.sh, s3-lifecycle.sh, s4-faults.sh), run
 * over the same plans compiled with `dataplane: nftables`. lib.sh sees the .nft files and
 * dumps, plants and counts with nft instead of iptables-save and ipvsadm; s4 hits the
 * nftables runner's own steps (docs/runner.md test hooks: rules-sandbox, rules-task, verify).
 * Part of the full VM matrix (`npm run test:vm-full`); CI boots nftables.test.ts only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { bootVmQueued, nftVmUnavailable, prepareVm, scenarioDir, startEarly, writeVariant, type VmResult } from './harness.js';
import { LIFECYCLE_CHECKS } from './lifecycle-checks.js';
import { lifecycle, seed } from './plans.js';

const skip = nftVmUnavailable() ?? (process.env.MESHC_VM_FULL === '1' ? null : 'part of the full VM matrix: run `npm run test:vm-full`');
if (skip) console.warn(`SKIPPED lifecycle and faults on the nftables dataplane in the VM: ${skip}`);
if (skip === null) prepareVm();

const nft = (plan: Plan): Plan => ({ ...plan, settings: { ...plan.settings, dataplane: 'nftables' } });
const never = new Promise<never>(() => undefined);
// Both boots start when the file loads, side by side (bootVmQueued: one core each).
const boot = (scripts: string[], variants: Record<string, () => Plan>): Promise<{ vm: VmResult; seconds: number }> =>
  skip === null
    ? startEarly(async () => {
        const dir = scenarioDir(scripts);
        for (const [name, plan] of Object.entries(variants)) await writeVariant(dir, name, nft(plan()));
        const started = Date.now();
        const vm = await bootVmQueued(dir, 'legacy');
        return { vm, seconds: Math.round((Date.now() - started) / 1000) };
      })
    : never;

const lifecycleBoot = boot(['s1-seed.sh', 's3-lifecycle.sh'], {
  seed,
  two: lifecycle.two,
  'scaled-up': lifecycle.scaledUp,
  'scaled-down': lifecycle.scaledDown,
  removed: lifecycle.removed,
});
const faultsBoot = boot(['s4-faults.sh'], { seed, two: lifecycle.two });

function expectCheck(vm: VmResult, name: string): void {
  const c = vm.checks.get(name);
  expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
  expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
}

function expectAllPassed(vm: VmResult, prefix: string, atLeast: number): void {
  const mine = [...vm.checks].filter(([k]) => k.startsWith(prefix));
  expect(mine.length, vm.raw).toBeGreaterThanOrEqual(atLeast);
  expect(mine.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`)).toEqual([]);
}

describe.skipIf(skip !== null)(`nftables dataplane in a VM: seed and lifecycle${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let vm: VmResult;
  beforeAll(async () => {
    const r = await lifecycleBoot;
    vm = r.vm;
    console.log(`nftables lifecycle VM: boot ${r.seconds} s ${[...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }, 2_500_000);

  it('every node applies the seed stack (exit 2) and serves TCP and UDP round robin from every node, itself included', () => {
    for (const c of ['seed.apply', 'seed.tcp', 'seed.udp', 'seed.node-without-task', 'seed.node-local', 'seed.reapply']) expectCheck(vm, c);
  });
  it('re-apply leaves every namespace\'s nft ruleset identical; --check and --dry-run report nothing', () => {
    for (const c of LIFECYCLE_CHECKS.reapply) expectCheck(vm, c);
  });
  it('adding a service, scaling up and down move traffic to exactly the new tasks', () => {
    for (const c of LIFECYCLE_CHECKS.change) expectCheck(vm, c);
  });
  it('removing a service removes its service chain, map elements and VIP; its port closes', () => {
    for (const c of LIFECYCLE_CHECKS.remove) expectCheck(vm, c);
  });
  it('foreign nftables tables, iptables rules, links and namespaces stay untouched', () => {
    for (const c of LIFECYCLE_CHECKS.foreign) expectCheck(vm, c);
  });
  it('--down restores the state before meshc; the sandbox stays only for a foreign table; a second --down exits 0', () => {
    for (const c of LIFECYCLE_CHECKS.down) expectCheck(vm, c);
  });
  it('every check the guest reported passed', () => expectAllPassed(vm, '', 40));
});

describe.skipIf(skip !== null)(`nftables dataplane in a VM: faults${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let vm: VmResult;
  beforeAll(async () => {
    const r = await faultsBoot;
    vm = r.vm;
    console.log(`nftables faults VM: boot ${r.seconds} s ${[...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  }, 2_500_000);

  it('a first run that fails mid-plumbing or at verify leaves the node as it found it', () => {
    for (const at of ['plumbing-tasks', 'verify']) expectCheck(vm, `fault.first-run.${at}`);
  });
  it('a missing task namespace is left out of its service chain with a warning, and comes back', () => {
    for (const c of ['apply', 'no-traffic', 'stable', 'back']) expectCheck(vm, `fault.absent-task.${c}`);
  });
  it('a broken .nft file changes nothing; the node keeps serving', () => {
    expectCheck(vm, 'fault.broken-file.unchanged');
    expectCheck(vm, 'fault.broken-file.serves');
  });
  it('a failure after the host table, after the sandbox table, or at verify rolls back to the exact old state', () => {
    for (const at of ['rules-sandbox', 'rules-task', 'verify']) {
      expectCheck(vm, `fault.rollback.${at}`);
      expectCheck(vm, `fault.rollback.${at}.serves`);
    }
  });
  it('after a kill at a random point (6 seeds) the next run converges', () => expectAllPassed(vm, 'fault.kill.', 6));
  it('a rule deleted from meshc\'s host table is seen by --check and repaired by apply', () => expectCheck(vm, 'fault.tamper.rule-deleted'));
  it('two runs at once are serialised by the lock and leave one table each', () => expectCheck(vm, 'fault.concurrent'));
  it('a run refused at step canon keeps the record of what earlier runs created: --down then restores the node', () =>
    expectCheck(vm, 'fault.down-after-refused-run'));
  it('every check the guest reported passed', () => expectAllPassed(vm, '', 20));
});
