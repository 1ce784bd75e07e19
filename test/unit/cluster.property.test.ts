/**
 * Cluster invariants over generated clusters of 1–6 stacks (fast-check): no two services
 * share a published (port, protocol), a fwmark, a VIP or an address; adding, removing and
 * reordering stacks moves nothing that stays; shuffled input gives byte-identical output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { Plan } from '../../src/model/plan.js';
import type { NormalizedStack } from '../../src/model/stack.js';
import type { Lock } from '../../src/plan/lock.js';
import { cluster, inventoryOf, stackOf, svc } from '../../src/plan/testing/make.js';
import { compilePlan } from '../../src/pipeline.js';
import { checkConsistency } from '../support/consistency/check-consistency.js';
import { buildClusterPlan } from '../../src/cluster/plan-cluster.js';

const STACKS = ['proxy', 'app', 'mon', 'db', 'web', 'ops', 'new'];
const SERVICES = ['a', 'b', 'c'];
const inventory = inventoryOf(cluster(4), { ingressSubnet: '10.0.0.0/22' });

/** A stack whose explicit ports derive from its name and its services' (no cross-stack conflict by construction). */
const stackArb = (name: string) =>
  fc
    .subarray(SERVICES, { minLength: 1 })
    .chain((names) =>
      fc.tuple(
        ...names.map((s) =>
          fc.record({
            replicas: fc.integer({ min: 0, max: 3 }),
            global: fc.boolean(),
            ports: fc.array(fc.record({ kind: fc.constantFrom('explicit', 'dynamic', 'host'), proto: fc.constantFrom('tcp', 'udp') }), { maxLength: 3 }),
          }).map(({ replicas, global, ports }) => {
            const base = 1000 + STACKS.indexOf(name) * 100 + SERVICES.indexOf(s) * 10;
            const specs = ports.map((p, i) => (p.kind === 'explicit' ? `${base + i}:80/${p.proto}` : p.kind === 'host' ? `host:${80 + i}/${p.proto}` : `${80 + i}/${p.proto}`));
            return svc(s, { replicas, global, ports: specs });
          }),
        ),
      ),
    )
    .map((services) => stackOf(services, {}, name));

const clusterArb = fc.subarray(STACKS.slice(0, 6), { minLength: 1, maxLength: 6 }).chain((names) => fc.tuple(...names.map(stackArb)));

function planOf(stacks: readonly NormalizedStack[], lock?: Lock): { plan: Plan; lock: Lock } {
  const sink = new DiagnosticSink();
  const result = buildClusterPlan('meshc', stacks, inventory, lock ? { lock } : {}, sink);
  if (!result) throw new Error(sink.items.map((d) => d.message).join('\n'));
  return result;
}

/** Everything allocated to a service, by full name. */
function allocations(plan: Plan): Map<string, string> {
  return new Map(plan.services.map((s) => [s.fullName, JSON.stringify([s.fwmark, s.vip, s.ports, s.tasks])]));
}

describe('cluster plan properties', () => {
  it('no two services share a published (port, protocol), a fwmark, a VIP or an address', () => {
    fc.assert(
      fc.property(clusterArb, (stacks) => {
        const { plan } = planOf(stacks);
        const ports = plan.services.flatMap((s) => s.ports.filter((p) => p.mode === 'ingress').map((p) => `${p.published}/${p.protocol}`));
        const marks = plan.services.flatMap((s) => (s.fwmark === null ? [] : [s.fwmark]));
        const addresses = [...plan.nodes.map((n) => n.ingressIp), ...plan.services.flatMap((s) => [...(s.vip ? [s.vip] : []), ...s.tasks.flatMap((t) => (t.ip ? [t.ip] : []))])];
        expect(new Set(ports).size).toBe(ports.length);
        expect(new Set(marks).size).toBe(marks.length);
        expect(new Set(addresses).size).toBe(addresses.length);
      }),
      { numRuns: 150 },
    );
  });

  it('adding, removing and reordering stacks moves nothing that stays', () => {
    fc.assert(
      fc.property(clusterArb, stackArb('new'), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (stacks, added, keep) => {
        const first = planOf(stacks);
        const kept = stacks.filter((_, i) => keep[i]);
        const next = planOf([added, ...[...kept].reverse()], first.lock);
        const before = allocations(first.plan);
        for (const [name, value] of allocations(next.plan)) if (before.has(name)) expect(value, name).toBe(before.get(name));
        expect(next.plan.nodes).toEqual(first.plan.nodes);
      }),
      { numRuns: 150 },
    );
  });

  it('shuffled stacks give byte-identical output', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb.chain((stacks) => fc.tuple(fc.constant(stacks), fc.shuffledSubarray(stacks, { minLength: stacks.length }))), async ([stacks, shuffled]) => {
        const [a, b] = [planOf(stacks), planOf(shuffled)];
        expect(JSON.stringify(b.lock)).toBe(JSON.stringify(a.lock));
        const [fa, fb] = await Promise.all([compilePlan(a.plan, new DiagnosticSink()), compilePlan(b.plan, new DiagnosticSink())]);
        expect(fb?.files).toEqual(fa?.files);
        // Same service names in several stacks still give one consistent mesh per node.
        expect(checkConsistency(fa?.files ?? [])).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
