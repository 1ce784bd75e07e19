/**
 * The whole mesh in a real kernel with IPVS (docs/architecture.md, «The test ladder», level 3): meshc compiles the
 * plans, the VM boots Debian's kernel once per describe block, and each simulated node
 * runs meshc's own apply.sh. Every test below reads checks the guest reported; the guest
 * scripts are test/vm/scenarios/*.sh. Needs root, qemu-system-x86, busybox-static, cpio,
 * socat, ipvsadm and apt (for the kernel package); skipped otherwise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bootVmQueued, prepareVm, scenarioDir, startEarly, vmUnavailable, writeStackVariant, writeVariant, type VmResult } from './harness.js';
import { LIFECYCLE_CHECKS } from './lifecycle-checks.js';
import { lifecycle, multi, published, seed } from './plans.js';

const skip = vmUnavailable();
if (skip === null) prepareVm();

// Every boot is prepared and started when the file loads, two at a time (bootVmQueued);
// each describe's beforeAll awaits its own. Same scenarios, about half the wall time.
const never = new Promise<never>(() => undefined);
const boot = <T>(run: () => Promise<T>): Promise<T> => (skip === null ? startEarly(run) : never);

const seedLifecycle = boot(async () => {
  const dir = scenarioDir(['s1-seed.sh', 's3-lifecycle.sh']);
  const cliError = await seedVariant(dir);
  await writeVariant(dir, 'two', lifecycle.two());
  await writeVariant(dir, 'scaled-up', lifecycle.scaledUp());
  await writeVariant(dir, 'scaled-down', lifecycle.scaledDown());
  await writeVariant(dir, 'removed', lifecycle.removed());
  return { cliError, vm: await bootVmQueued(dir, 'legacy') };
});

const multiFaults = boot(async () => {
  const dir = scenarioDir(['s2-multi.sh', 's4-faults.sh']);
  // Scenario 2 runs what `meshc compile` makes of stacks/multi.yml; should the CLI fail,
  // the same shape as a plan still proves the runner, and the CLI test below fails.
  let cliError: unknown = null;
  try {
    await writeStackVariant(dir, 'multi', 'multi.yml', 'inventory.yml', 'multi');
  } catch (err) {
    cliError = err;
    await writeVariant(dir, 'multi', multi());
  }
  await writeVariant(dir, 'seed', seed());
  await writeVariant(dir, 'two', lifecycle.two());
  return { cliError, vm: await bootVmQueued(dir, 'legacy') };
});

const measure = boot(async () => {
  const dir = scenarioDir(['s5-measure.sh']);
  await writeVariant(dir, 'p1', published(1, 1));
  await writeVariant(dir, 'p1000', published(10, 100));
  return bootVmQueued(dir, 'legacy');
});

const nft = boot(async () => {
  const dir = scenarioDir(['s1-seed.sh']);
  await writeVariant(dir, 'seed', seed());
  return bootVmQueued(dir, 'nft');
});

function expectCheck(vm: VmResult, name: string): void {
  const c = vm.checks.get(name);
  expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
  expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
}

/** The seed stack as `meshc compile` makes it; the plan of the same shape if the CLI fails (then `cliOk` is false). */
async function seedVariant(dir: string): Promise<unknown> {
  try {
    await writeStackVariant(dir, 'seed', 'seed.yml', 'inventory.yml', 'web');
    return null;
  } catch (err) {
    await writeVariant(dir, 'seed', seed());
    return err;
  }
}

function expectAllPassed(vm: VmResult, prefix: string, atLeast: number): void {
  const mine = [...vm.checks].filter(([k]) => k.startsWith(prefix));
  expect(mine.length, vm.raw).toBeGreaterThanOrEqual(atLeast);
  const failed = mine.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`);
  expect(failed).toEqual([]);
}

describe.skipIf(skip !== null)('routing mesh in a VM: seed and lifecycle (iptables-legacy)', () => {
  let vm: VmResult;
  let cliError: unknown = null;
  beforeAll(async () => {
    ({ cliError, vm } = await seedLifecycle);
    console.log([...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' '));
  });

  it('scenario 1: meshc compile turns stacks/seed.yml into the output tree', () => expect(cliError).toBeNull());
  it('scenario 1: every node applies the seed stack (exit 2, changed)', () => expectCheck(vm, 'seed.apply'));
  it('scenario 1: a node without a replica is among those that answered', () => expectCheck(vm, 'seed.node-without-task'));
  it('scenario 1: TCP round robin over both replicas from every node', () => expectCheck(vm, 'seed.tcp'));
  it('scenario 1: UDP round robin over both replicas from every node', () => expectCheck(vm, 'seed.udp'));
  it('scenario 1: a node reaches its own published port on 127.0.0.1', () => expectCheck(vm, 'seed.node-local'));
  it('scenario 1: re-applying changes nothing (exit 0)', () => expectCheck(vm, 'seed.reapply'));

  it('scenario 3: re-apply leaves every dump identical; --check and --dry-run report nothing', () => {
    for (const c of LIFECYCLE_CHECKS.reapply) expectCheck(vm, c);
  });
  it('scenario 3: adding a service, scaling up and down move traffic to exactly the new tasks', () => {
    for (const c of LIFECYCLE_CHECKS.change) expectCheck(vm, c);
  });
  it('scenario 3: removing a service removes its rules, VIP and IPVS service; its port closes', () => {
    for (const c of LIFECYCLE_CHECKS.remove) expectCheck(vm, c);
  });
  it('scenario 3: foreign chains, rules, IPVS services, links and namespaces stay untouched', () => {
    for (const c of LIFECYCLE_CHECKS.foreign) expectCheck(vm, c);
  });
  it('scenario 3: --down restores the state before meshc; the sandbox stays only for foreign IPVS; a second --down exits 0', () => {
    for (const c of LIFECYCLE_CHECKS.down) expectCheck(vm, c);
  });
  it('every check the guest reported passed', () => expectAllPassed(vm, '', 40));
});

describe.skipIf(skip !== null)('routing mesh in a VM: several services and faults (iptables-legacy)', () => {
  let vm: VmResult;
  let cliError: unknown = null;
  beforeAll(async () => {
    ({ cliError, vm } = await multiFaults);
    console.log([...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' '));
  });

  it('scenario 2: meshc compile turns stacks/multi.yml into the output tree', () => expect(cliError).toBeNull());
  it('scenario 2: every node applies it', () => expectCheck(vm, 'multi.apply'));
  it('scenario 2: tcp, udp, a port range and a dynamic port each balance over their tasks from every node', () => {
    for (const c of ['web.tcp.8080', 'dns.udp.5353', 'range.tcp.9001', 'range.tcp.9002', 'range.tcp.9003']) expectCheck(vm, `multi.rr.${c}`);
    expectAllPassed(vm, 'multi.rr.dyn.tcp.', 1);
    expectCheck(vm, 'multi.dynamic-port-range');
  });
  it('scenario 2: the host-mode port gets no mesh rules and no node answers on it', () => {
    expectCheck(vm, 'multi.host-mode-closed');
    expectCheck(vm, 'multi.host-mode-no-rules');
  });
  it('scenario 2: re-applying changes nothing', () => expectCheck(vm, 'multi.reapply'));

  it('scenario 4: a first run that fails mid-plumbing or at verify leaves the node as it found it', () => {
    for (const at of ['plumbing-tasks', 'verify']) expectCheck(vm, `fault.first-run.${at}`);
  });
  it('scenario 4: a missing task namespace gets weight 0 and a warning, and comes back', () => {
    for (const c of ['apply', 'no-traffic', 'stable', 'back']) expectCheck(vm, `fault.absent-task.${c}`);
  });
  it('scenario 4: a broken rules file changes nothing; the node keeps serving', () => {
    expectCheck(vm, 'fault.broken-file.unchanged');
    expectCheck(vm, 'fault.broken-file.serves');
  });
  it('scenario 4: a failure after host rules, during IPVS, or at verify rolls back to the exact old state', () => {
    for (const at of ['rules-sandbox', 'ipvs-phase2', 'verify']) {
      expectCheck(vm, `fault.rollback.${at}`);
      expectCheck(vm, `fault.rollback.${at}.serves`);
    }
  });
  it('scenario 4: after a kill at a random point (6 seeds) the next run converges', () => expectAllPassed(vm, 'fault.kill.', 6));
  it('scenario 4: a rule deleted from a meshc chain is seen by --check and repaired by apply', () =>
    expectCheck(vm, 'fault.tamper.rule-deleted'));
  it('scenario 4: a foreign rule inserted above meshc\'s jump is seen by --check; apply puts the jump back on top', () =>
    expectCheck(vm, 'fault.tamper.rule-above-hook'));
  it('scenario 4: two runs at once are serialised by the lock and leave no duplicate', () => expectCheck(vm, 'fault.concurrent'));
  it('scenario 4: a run refused at step canon keeps the record of what earlier runs created: --down then restores the node', () =>
    expectCheck(vm, 'fault.down-after-refused-run'));
  it('every check the guest reported passed', () => expectAllPassed(vm, '', 20));
});

describe.skipIf(skip !== null)('routing mesh in a VM: 1,000 published ports on one node (iptables-legacy)', () => {
  let vm: VmResult;
  beforeAll(async () => {
    vm = await measure;
    const m = (k: string) => Number(vm.metrics.get(k));
    // Figures for the report: absolute times under QEMU/TCG, and ratios to the 1-port node of the same boot.
    console.log(
      `1 port: cold ${m('p1.cold_ms')} ms, re-apply ${m('p1.reapply_ms')} ms, ${m('p1.rules')} rules; ` +
        `1000 ports: cold ${m('p1000.cold_ms')} ms (x${(m('p1000.cold_ms') / m('p1.cold_ms')).toFixed(2)}), ` +
        `re-apply ${m('p1000.reapply_ms')} ms (x${(m('p1000.reapply_ms') / m('p1.reapply_ms')).toFixed(2)}), ${m('p1000.rules')} rules`,
    );
  });

  it('applies 1,000 published ports and re-applies without a change', () => {
    for (const c of ['p1.cold', 'p1.reapply', 'p1.serves', 'p1000.cold', 'p1000.reapply', 'p1000.serves']) expectCheck(vm, c);
    expect(Number(vm.metrics.get('p1000.services'))).toBe(10);
  });
});

describe.skipIf(skip !== null)('routing mesh in a VM: the seed stack with iptables-nft', () => {
  let vm: VmResult;
  beforeAll(async () => {
    vm = await nft;
  });

  it('applies, balances TCP and UDP across nodes, reaches itself, and re-applies without a change', () => {
    for (const c of ['seed.apply', 'seed.tcp', 'seed.udp', 'seed.node-local', 'seed.reapply']) expectCheck(vm, c);
  });
});
