/**
 * The whole mesh in a real kernel with IPVS (DESIGN.md §7 level 4): meshc compiles the
 * plans, the VM boots Debian's kernel once per describe block, and each simulated node
 * runs meshc's own apply.sh. Every test below reads checks the guest reported; the guest
 * scripts are test/vm/scenarios/*.sh. Needs root, qemu-system-x86, busybox-static, cpio,
 * socat, ipvsadm and apt (for the kernel package); skipped otherwise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bootVm, prepareVm, scenarioDir, vmUnavailable, writeVariant, type VmResult } from './harness.js';
import { lifecycle, seed } from './plans.js';

const skip = vmUnavailable();

function expectCheck(vm: VmResult, name: string): void {
  const c = vm.checks.get(name);
  expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
  expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
}

function expectAllPassed(vm: VmResult, prefix: string, atLeast: number): void {
  const mine = [...vm.checks].filter(([k]) => k.startsWith(prefix));
  expect(mine.length, vm.raw).toBeGreaterThanOrEqual(atLeast);
  const failed = mine.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`);
  expect(failed).toEqual([]);
}

describe.skipIf(skip !== null)('routing mesh in a VM: seed and lifecycle (iptables-legacy)', () => {
  let vm: VmResult;
  beforeAll(async () => {
    prepareVm();
    const dir = scenarioDir(['s1-seed.sh', 's3-lifecycle.sh']);
    await writeVariant(dir, 'seed', seed());
    await writeVariant(dir, 'two', lifecycle.two());
    await writeVariant(dir, 'scaled-up', lifecycle.scaledUp());
    await writeVariant(dir, 'scaled-down', lifecycle.scaledDown());
    await writeVariant(dir, 'removed', lifecycle.removed());
    vm = bootVm(dir, 'legacy');
    console.log([...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' '));
  });

  it('scenario 1: every node applies the seed stack (exit 2, changed)', () => expectCheck(vm, 'seed.apply'));
  it('scenario 1: TCP round robin over both replicas from every node', () => expectCheck(vm, 'seed.tcp'));
  it('scenario 1: UDP round robin over both replicas from every node', () => expectCheck(vm, 'seed.udp'));
  it('scenario 1: a node reaches its own published port on 127.0.0.1', () => expectCheck(vm, 'seed.node-local'));
  it('scenario 1: re-applying changes nothing (exit 0)', () => expectCheck(vm, 'seed.reapply'));

  it('scenario 3: re-apply leaves every dump identical; --check and --dry-run report nothing', () => {
    for (const c of ['life.reapply-identical', 'life.check', 'life.dry-run', 'life.dry-run-silent']) expectCheck(vm, c);
  });
  it('scenario 3: adding a service, scaling up and down move traffic to exactly the new tasks', () => {
    for (const step of ['add', 'scale-up', 'scale-down']) {
      for (const c of ['check-detects', 'apply', 'former-tasks-clean', 'reapply']) expectCheck(vm, `life.${step}.${c}`);
    }
    expectCheck(vm, 'life.scale-up.rr.ngx.tcp.8888');
    expectCheck(vm, 'life.scale-up.rr.ngx.udp.8888');
    expectCheck(vm, 'life.scale-down.rr.ngx.tcp.8888');
    expectCheck(vm, 'life.add.rr.api.tcp.9000');
  });
  it('scenario 3: removing a service removes its rules, VIP and IPVS service; its port closes', () => {
    for (const c of ['life.remove.apply', 'life.remove.gone', 'life.remove.tcp-closed', 'life.remove.udp-closed']) expectCheck(vm, c);
  });
  it('scenario 3: foreign chains, rules, IPVS services, links and namespaces stay untouched', () => {
    for (const s of ['applied', 'add', 'scale-up', 'scale-down', 'remove']) expectCheck(vm, s === 'applied' ? 'life.foreign.applied' : `life.${s}.foreign`);
  });
  it('scenario 3: --down restores the state before meshc; the sandbox stays only for foreign IPVS; a second --down exits 0', () => {
    for (const c of ['life.down', 'life.down-restores', 'life.down-keeps-foreign-sandbox', 'life.down-sandbox-clean', 'life.down-again']) expectCheck(vm, c);
  });
  it('every check the guest reported passed', () => expectAllPassed(vm, '', 40));
});
