/**
 * Health-driven failover (issue 6) in a real kernel with IPVS: meshc compiles the `hc`
 * stack (test/unit/health-fixture.ts), each simulated node runs meshc's runner and then
 * meshc's generated health agent, and the guest (scenarios/health-failover.sh) kills,
 * hangs and restores task servers while sending real TCP and UDP traffic through every
 * node's published ports. Each check below is one line the guest reported.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { healthPlan } from '../unit/health-fixture.js';
import { bootVm, prepareVm, scenarioDir, vmUnavailable, writeVariant, type VmResult } from './harness.js';

const skip = vmUnavailable();
// Short enough for a test, long enough for process start-up under software emulation on a busy
// host, where an exec costs about a second: web/dns bound 12 s, recovery 8 s. `job`'s CMD check
// runs two execs (nsenter, bash), so it gets 6 s: bound 18 s, recovery 12 s.
const TIMING = { intervalMs: 4000, timeoutMs: 4000, retries: 2, startPeriodMs: 0 };
const JOB_TIMING = { intervalMs: 6000, timeoutMs: 6000 };

function vmPlan(): Plan {
  const plan = healthPlan(TIMING);
  const services = plan.services.map((s) => (s.name === 'job' && s.health ? { ...s, health: { ...s.health, ...JOB_TIMING } } : s));
  return { ...plan, services };
}

describe.skipIf(skip !== null)('health-driven failover in a VM', () => {
  let vm: VmResult;
  beforeAll(async () => {
    prepareVm();
    const plan = vmPlan();
    const dir = scenarioDir(['health-failover.sh']);
    await writeVariant(dir, 'hc', plan);
    // renderFiles (through writeVariant's compilePlan) writes each node's health agent.
    for (const node of plan.nodes) expect(existsSync(join(dir, 'hc', node.name, 'health-agent.sh'))).toBe(true);
    const { intervalMs, timeoutMs, retries } = TIMING;
    const job = `JOB_INTERVAL_MS=${JOB_TIMING.intervalMs}\nJOB_TIMEOUT_MS=${JOB_TIMING.timeoutMs}\n`;
    writeFileSync(join(dir, 'hc', 'timing'), `INTERVAL_MS=${intervalMs}\nTIMEOUT_MS=${timeoutMs}\nRETRIES=${retries}\n${job}`);
    vm = bootVm(dir, 'legacy');
    console.log([...vm.metrics].map(([k, v]) => `${k}=${v}`).join(' '));
  });

  function expectCheck(name: string): void {
    const c = vm.checks.get(name);
    expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }

  it('the runner applies the stack on both nodes', () => expectCheck('hc.apply'));
  it('a task that never passed its check stays out of every node\'s LB', () => expectCheck('hc.first-success-only'));
  it('a local CMD check brings it in once it passes', () => expectCheck('hc.cmd-joins'));
  it('TCP and UDP traffic is shared while all are healthy', () => {
    expectCheck('hc.tcp-shared');
    expectCheck('hc.udp-shared');
  });
  it('TCP: a dead replica leaves every node\'s LB within interval × retries + timeout', () => {
    expectCheck('hc.tcp-detect');
    expectCheck('hc.tcp-failover');
  });
  it('TCP: it comes back when its server does', () => {
    expectCheck('hc.tcp-recover');
    expectCheck('hc.tcp-back');
  });
  it('UDP: a dead replica leaves every node\'s LB within the bound, and comes back', () => {
    expectCheck('hc.udp-detect');
    expectCheck('hc.udp-failover');
    expectCheck('hc.udp-recover');
    expectCheck('hc.udp-back');
  });
  it('hanging HTTP and TCP checks time out within the bound and stall no other check', () => {
    expectCheck('hc.hang-detect-http');
    expectCheck('hc.hang-detect-tcp');
    expectCheck('hc.hang-others-detect');
    expectCheck('hc.hang-no-stall');
    expectCheck('hc.hang-failover');
  });
  it('weights go back exactly; foreign IPVS objects and unchecked services are untouched', () => {
    expectCheck('hc.weights-restored');
    expectCheck('hc.foreign-untouched');
    expectCheck('hc.plain-untouched');
  });
  it('every transition is logged once, with task, node and reason', () => expectCheck('hc.transitions-logged'));
  it('SIGTERM stops the agent cleanly, probes included', () => expectCheck('hc.sigterm'));
});
