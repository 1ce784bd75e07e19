/**
 * The nftables dataplane (issue 16, docs/dataplanes.md) in Debian's kernel with Debian's
 * nft 1.0.6, where the kernel tests (test/kernel/nft-*.test.ts) run on this machine's own.
 * meshc's CLI compiles test/vm/stacks/seed.yml with `--dataplane nftables` for 3 nodes,
 * then seed-two.yml (a second service) with the same lock; the guest
 * (scenarios/nft-mesh.sh) runs every node's apply.sh and reports checks. This boot runs in
 * CI; the health failover on this dataplane is in health-failover.test.ts (full matrix).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { bootVm, nftVmUnavailable, prepareVm, scenarioDir, writeStackVersions, type VmResult } from './harness.js';

const skip = nftVmUnavailable();
if (skip) console.warn(`SKIPPED nftables dataplane in the VM: ${skip}`);

describe.skipIf(skip !== null)(`the nftables dataplane in a VM: seed mesh, re-apply, a change under a live connection, --down${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let vm: VmResult;
  let plans: Plan[] = [];

  beforeAll(async () => {
    prepareVm();
    const dir = scenarioDir(['nft-mesh.sh']);
    const versions = [['nseed', 'seed.yml'], ['ntwo', 'seed-two.yml']] as const;
    // ngx's TCP servers echo after their name: the long-lived connection is one of them.
    plans = await writeStackVersions(dir, versions, 'inventory.yml', 'web', ['--dataplane', 'nftables'], { hold: ['ngx'] });
    const started = Date.now();
    vm = bootVm(dir, 'legacy');
    const metrics = [...vm.metrics].map(([k, v]) => `${k}=${v}`);
    console.log(`nftables VM: boot ${((Date.now() - started) / 1000).toFixed(0)} s ${metrics.join(' ')}`);
  }, 1_200_000);

  function expectCheck(name: string): void {
    const c = vm.checks.get(name);
    expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }

  it('meshc compile --dataplane nftables writes .nft files and no IPVS or iptables rules', () => {
    for (const plan of plans) expect(plan.settings.dataplane).toBe('nftables');
    expect(plans[1]!.services.map((s) => s.name).sort()).toEqual(['api', 'ngx']);
    // The lock carried ngx's allocations into the second version.
    const ngx = (p: Plan) => JSON.stringify(p.services.find((s) => s.name === 'ngx'));
    expect(ngx(plans[1]!)).toBe(ngx(plans[0]!));
  });
  it('every node applies its tables (exit 2); each namespace holds meshc\'s table, no sandbox holds an IPVS service', () => {
    expectCheck('nft.apply');
    expectCheck('nft.tables');
  });
  it('TCP and UDP round robin over both replicas from every node, one without a replica included', () => {
    expectCheck('nft.tcp');
    expectCheck('nft.udp');
    expectCheck('nft.node-without-task');
  });
  it('a node reaches its own published port on 127.0.0.1', () => expectCheck('nft.node-local'));
  it('a re-apply is a no-op (exit 0) that moves no rule handle; --check is in sync', () => {
    expectCheck('nft.reapply');
    expectCheck('nft.reapply-handles');
    expectCheck('nft.check');
  });
  it('a changed stack is applied under a long-lived TCP connection, which keeps its backend', () => {
    expectCheck('nft.long-lived.open');
    expectCheck('nft.long-lived.before');
    expectCheck('nft.change.dry-run');
    expectCheck('nft.change.apply');
    expectCheck('nft.change.long-lived');
    expectCheck('nft.change.long-lived-after-traffic');
    expectCheck('nft.change.in-sync');
  });
  it('after the change every service balances from every node', () => {
    const rr = [...vm.checks].filter(([k]) => k.startsWith('nft.change.rr.'));
    // ngx tcp+udp and api tcp.
    expect(rr.map(([k]) => k).sort(), vm.raw).toEqual(['nft.change.rr.api.tcp.9000', 'nft.change.rr.ngx.tcp.8888', 'nft.change.rr.ngx.udp.8888']);
    expect(rr.filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`)).toEqual([]);
  });
  it('--down leaves every node as it was (foreign nftables table, firewall, links, ip_forward); a second --down exits 0', () => {
    expectCheck('nft.down');
    expectCheck('nft.down-restores');
    expectCheck('nft.down-again');
  });
  it('every check the guest reported passed', () => {
    const failed = [...vm.checks].filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`);
    expect(vm.checks.size, vm.raw).toBeGreaterThanOrEqual(20);
    expect(failed).toEqual([]);
  });
});
