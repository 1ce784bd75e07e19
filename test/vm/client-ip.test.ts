/**
 * client_ip: preserve in a real kernel with IPVS (docs/client-ip.md): 3 nodes, the client
 * outside them. meshc's CLI compiles test/vm/stacks/client-ip.yml (v1) and then
 * client-ip-v2.yml (v1 plus a service; the same lock carried, so nothing of v1 moves); the
 * guest (scenarios/s7-client-ip.sh) runs every node's apply.sh and health agent, and its
 * task servers answer with their name and the peer address they saw. Part of the full VM
 * matrix (MESHC_VM_FULL=1, `npm run test:vm-full`), like the cluster scenario.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import type { Plan } from '../../src/model/plan.js';
import { ROOT, bootVm, prepareVm, scenarioDir, topology, vmUnavailable, type VmResult } from './harness.js';

const skip = vmUnavailable() ?? (process.env.MESHC_VM_FULL === '1' ? null : 'part of the full VM matrix: run `npm run test:vm-full`');
if (skip) console.warn(`SKIPPED client_ip: preserve in the IPVS VM: ${skip}`);

const STACKS = join(ROOT, 'test', 'vm', 'stacks');

/** `meshc compile` of `stack` as `<work>/stack.yml` (so the lock beside it carries over) into `<dir>/<name>/`. */
async function compileVariant(dir: string, work: string, name: string, stack: string): Promise<Plan> {
  copyFileSync(join(STACKS, stack), join(work, 'stack.yml'));
  const root = join(dir, name);
  let stderr = '';
  const io = { ...nodeIo(), stdout: () => undefined, stderr: (t: string) => void (stderr += t) };
  const code = await run(['compile', join(work, 'stack.yml'), '-i', join(STACKS, 'inventory.yml'), '-o', root, '--stack', 'cip'], io);
  if (code !== 0) throw new Error(`meshc compile ${stack} exited ${code}: ${stderr}`);
  const plan = JSON.parse(readFileSync(join(root, 'plan.json'), 'utf8')) as Plan;
  writeFileSync(join(root, 'topo.txt'), topology(plan));
  // What the guest needs beyond topo.txt: task addresses and kinds, sandbox addresses, echo's fwmark.
  const lines = [
    ...plan.nodes.map((n) => `sbox ${n.name} ${n.ingressIp}`),
    ...plan.services.flatMap((s) => s.tasks.map((t) => `task ${t.node} ${t.name} ${t.ip} ${s.clientIp === 'preserve' ? 'preserve' : 'plain'}`)),
    ...plan.services.map((s) => `mark ${s.name} ${s.fwmark}`),
  ];
  writeFileSync(join(root, 'peers.txt'), lines.join('\n') + '\n');
  return plan;
}

describe.skipIf(skip !== null)(`client_ip: preserve in a VM with IPVS, 3 nodes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let vm: VmResult;
  const plans = new Map<string, Plan>();

  beforeAll(async () => {
    // apply.sh under emulation on a shared host takes a minute per run here; the default bound is 19 min.
    process.env.MESHC_VM_TIMEOUT ??= '2400';
    prepareVm();
    const dir = scenarioDir(['s7-client-ip.sh']);
    const work = mkdtempSync(join(tmpdir(), 'meshc-cip-'));
    plans.set('v1', await compileVariant(dir, work, 'v1', 'client-ip.yml'));
    plans.set('v2', await compileVariant(dir, work, 'v2', 'client-ip-v2.yml'));
    vm = bootVm(dir, 'legacy');
    const metrics = [...vm.metrics].filter(([k]) => k.startsWith('cip.')).map(([k, v]) => `${k}=${v}`);
    console.log(`client-ip VM: ${metrics.join(' ')}`);
  }, 3_600_000);

  function expectCheck(name: string): void {
    const c = vm.checks.get(name);
    expect(c, `guest never reported ${name}\n${vm.raw}`).toBeDefined();
    expect(c?.ok, `${name}: ${c?.detail}`).toBe(true);
  }

  it('plans echo on node2 and node3 (node1 has no replica), and v2 moves nothing of v1', () => {
    const echo = (p: Plan) => p.services.find((s) => s.name === 'echo')!;
    expect(echo(plans.get('v1')!).tasks.map((t) => t.node)).toEqual(['node2', 'node3']);
    expect(echo(plans.get('v1')!).clientIp).toBe('preserve');
    const keep = (p: Plan) => JSON.stringify(p.services.filter((s) => s.name !== 'extra').map((s) => [s.fwmark, s.vip, s.tasks]));
    expect(keep(plans.get('v2')!)).toBe(keep(plans.get('v1')!));
  });

  it('applies on every node and installs the return path (sandbox MAC, one rule per node)', () => {
    for (const name of ['cip.apply', 'cip.task-rules', 'cip.sandbox-mac']) expectCheck(name);
  });

  it('the preserving service sees the client through every node, node1 (no replica) included, round robin, TCP and UDP', () => {
    expectCheck('cip.preserve.tcp');
    expectCheck('cip.preserve.udp');
  });

  it('the plain service in the same stack sees the entry node’s sandbox, as in Swarm', () => {
    expectCheck('cip.plain.tcp');
  });

  it('a long-lived TCP connection and a UDP exchange survive a re-apply that changes every node', () => {
    for (const name of ['cip.long-lived.open', 'cip.udp-exchange.open', 'cip.reapply', 'cip.long-lived.after-reapply', 'cip.udp-exchange.after-reapply', 'cip.after-reapply.tcp']) {
      expectCheck(name);
    }
  });

  it('health failover takes a preserving task out and puts it back, the client address kept', () => {
    expectCheck('cip.failover.out.tcp');
    expectCheck('cip.failover.back.tcp');
  });

  it('--check is in sync, and --down removes the tasks’ return rules', () => {
    for (const name of ['cip.in-sync', 'cip.down', 'cip.down.rules-gone']) expectCheck(name);
    const failed = [...vm.checks].filter(([, c]) => !c.ok).map(([k, c]) => `${k}: ${c.detail}`);
    expect(failed).toEqual([]);
  });
});
