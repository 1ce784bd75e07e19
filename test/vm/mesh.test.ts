/**
 * The whole mesh in a real kernel with IPVS (DESIGN.md §7 level 4): meshc compiles the
 * plans, the VM boots Debian's kernel once, and each node runs meshc's own apply.sh.
 * Each check below is one line the guest reported; see test/vm/scenarios/*.sh.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bootVm, prepareVm, scenarioDir, vmUnavailable, writeVariant, type VmResult } from './harness.js';
import { seed } from './plans.js';

const skip = vmUnavailable();

describe.skipIf(skip !== null)('routing mesh in a VM (legacy iptables)', () => {
  let vm: VmResult;
  beforeAll(async () => {
    prepareVm();
    const dir = scenarioDir(['s1-seed.sh']);
    await writeVariant(dir, 'seed', seed());
    vm = bootVm(dir, 'legacy');
    console.log([...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' '));
  });

  function expectCheck(name: string): void {
    const c = vm.checks.get(name);
    expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }

  it('scenario 1: every node applies the seed stack (exit 2, changed)', () => expectCheck('seed.apply'));
  it('scenario 1: TCP round robin over both replicas from every node', () => expectCheck('seed.tcp'));
  it('scenario 1: UDP round robin over both replicas from every node', () => expectCheck('seed.udp'));
  it('scenario 1: a node reaches its own published port on 127.0.0.1', () => expectCheck('seed.node-local'));
  it('scenario 1: re-applying changes nothing (exit 0)', () => expectCheck('seed.reapply'));
});
