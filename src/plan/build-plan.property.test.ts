/**
 * Invariants of the planner over generated stacks and clusters (fast-check): unique
 * ingress ports per protocol, every task reachable through its service's mark,
 * allocations stable through the lock, exhaustion always reported, determinism.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import type { NormalizedStack, Service } from '../model/stack.js';
import { buildPlan } from './build-plan.js';
import { parseCidr, parseIpv4, cidrContains } from './ipv4.js';
import type { Lock } from './lock.js';
import { cluster, inventoryOf, stackOf, svc } from './testing/make.js';

const NAMES = ['api', 'db', 'ngx', 'web', 'cache', 'queue', 'auth', 'mail'];

/** A service whose explicit ports cannot collide with another's (they derive from its name). */
const serviceArb = (name: string) =>
  fc
    .record({
      replicas: fc.integer({ min: 0, max: 4 }),
      global: fc.boolean(),
      ports: fc.array(
        fc.record({ explicit: fc.boolean(), target: fc.integer({ min: 1, max: 9 }), proto: fc.constantFrom('tcp', 'udp', 'sctp'), host: fc.boolean() }),
        { maxLength: 4 },
      ),
    })
    .map(({ replicas, global, ports }) => {
      const base = 1000 + NAMES.indexOf(name) * 100;
      const specs = ports.map((p, i) =>
        p.host ? `host:${p.target}/${p.proto}` : p.explicit ? `${base + i}:${p.target}/${p.proto}` : `${p.target}/${p.proto}`,
      );
      return svc(name, { replicas, global, ports: specs });
    });

const stackArb = fc
  .subarray(NAMES, { minLength: 1 })
  .chain((names) => fc.tuple(...names.map(serviceArb)))
  .map((services) => stackOf(services));

function plan(stack: NormalizedStack, nodes = 3, lock?: Lock, range?: [number, number]) {
  const sink = new DiagnosticSink();
  const settings = range ? { dynamicPortRange: range } : {};
  const result = buildPlan(stack, inventoryOf(cluster(nodes)), { lock, settings }, sink);
  return { result, sink };
}

const ingressKeys = (p: Plan) => p.services.flatMap((s) => s.ports.filter((x) => x.mode === 'ingress').map((x) => `${x.published}/${x.protocol}`));

describe('buildPlan properties', () => {
  it('never gives two ingress ports the same (port, protocol), and every task of a marked service has an address', () => {
    fc.assert(
      fc.property(stackArb, fc.integer({ min: 1, max: 5 }), (stack, nodes) => {
        const { result, sink } = plan(stack, nodes);
        expect(sink.items).toEqual([]);
        const p = result!.plan;
        const keys = ingressKeys(p);
        expect(new Set(keys).size).toBe(keys.length);
        const subnet = parseCidr(p.settings.ingressSubnet)!;
        const addresses = [...p.nodes.map((n) => n.ingressIp), ...p.services.flatMap((s) => [s.vip, ...s.tasks.map((t) => t.ip)])].filter((a) => a !== null);
        expect(new Set(addresses).size).toBe(addresses.length);
        for (const a of addresses) expect(cidrContains(subnet, parseIpv4(a) ?? -1)).toBe(true);
        const marks = p.services.map((s) => s.fwmark).filter((m) => m !== null);
        expect(new Set(marks).size).toBe(marks.length);
        for (const s of p.services) {
          const ingress = s.ports.some((x) => x.mode === 'ingress');
          expect(s.fwmark !== null && s.vip !== null).toBe(ingress);
          for (const t of s.tasks) {
            expect(t.ip !== null).toBe(ingress);
            expect(p.nodes.some((n) => n.name === t.node)).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every allocation when services are added, removed or reordered (through the lock)', () => {
    fc.assert(
      fc.property(stackArb, stackArb, fc.integer({ min: 1, max: 4 }), (a, b, nodes) => {
        // b's services replace a's where names match; the rest of a is kept or dropped.
        const kept = a.services.filter((s, i) => i % 2 === 0 || b.services.some((t) => t.name === s.name));
        const merged: Service[] = [...b.services, ...kept.filter((s) => !b.services.some((t) => t.name === s.name))];
        const first = plan(a, nodes).result!;
        const second = plan(stackOf(merged.reverse()), nodes, first.lock).result!;
        for (const s2 of second.plan.services) {
          const s1 = first.plan.services.find((s) => s.name === s2.name);
          if (!s1 || JSON.stringify(s1.ports.map((p) => [p.target, p.protocol, p.mode, p.dynamic])) !== JSON.stringify(s2.ports.map((p) => [p.target, p.protocol, p.mode, p.dynamic]))) continue;
          expect(s2.fwmark).toBe(s1.fwmark);
          expect(s2.vip).toBe(s1.vip);
          expect(s2.ports).toEqual(s1.ports);
          for (const t2 of s2.tasks) {
            const t1 = s1.tasks.find((t) => t.name === t2.name);
            if (t1) expect(t2.ip).toBe(t1.ip);
          }
        }
        expect(second.plan.nodes.map((n) => n.ingressIp)).toEqual(first.plan.nodes.map((n) => n.ingressIp));
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic: shuffled service order gives byte-identical plans and locks', () => {
    fc.assert(
      fc.property(stackArb, fc.integer({ min: 1, max: 5 }), fc.integer(), (stack, nodes, seed) => {
        const shuffled = [...stack.services].sort((x, y) => ((x.name.charCodeAt(0) * seed) % 7) - ((y.name.charCodeAt(0) * seed) % 7));
        const one = plan(stack, nodes).result!;
        const two = plan(stackOf(shuffled), nodes).result!;
        expect(JSON.stringify(two.plan)).toBe(JSON.stringify(one.plan));
        expect(JSON.stringify(two.lock)).toBe(JSON.stringify(one.lock));
      }),
      { numRuns: 100 },
    );
  });

  it('reports dynamic port exhaustion exactly when the range is too small, never wrapping onto used ports', () => {
    fc.assert(
      fc.property(stackArb, fc.integer({ min: 0, max: 6 }), (stack, extra) => {
        const needed = (proto: string) => stack.services.flatMap((s) => s.ports).filter((p) => p.published === 0 && p.mode === 'ingress' && p.protocol === proto).length;
        const most = Math.max(needed('tcp'), needed('udp'), needed('sctp'));
        const size = Math.max(1, most - 3 + extra);
        const { result, sink } = plan(stack, 2, undefined, [40000, 40000 + size - 1]);
        const exhausted = sink.items.filter((d) => d.code === 'DYNAMIC_PORTS_EXHAUSTED');
        expect(exhausted.length > 0).toBe(most > size);
        expect(result === undefined).toBe(most > size);
        if (result) expect(new Set(ingressKeys(result.plan)).size).toBe(ingressKeys(result.plan).length);
      }),
      { numRuns: 150 },
    );
  });

  it('reports ingress subnet exhaustion exactly when nodes + VIPs + tasks exceed the usable addresses', () => {
    fc.assert(
      fc.property(stackArb, fc.integer({ min: 25, max: 29 }), fc.integer({ min: 1, max: 4 }), (stack, prefix, nodes) => {
        const sink = new DiagnosticSink();
        const result = buildPlan(stackOf(stack.services, { ingressSubnet: `10.0.0.0/${prefix}` }), inventoryOf(cluster(nodes)), {}, sink);
        const ingress = stack.services.filter((s) => s.ports.some((p) => p.mode === 'ingress'));
        const tasks = ingress.reduce((n, s) => n + (s.mode === 'global' ? nodes : (s.replicas ?? 1)), 0);
        const needed = nodes + ingress.length + tasks;
        const fits = needed <= 2 ** (32 - prefix) - 3;
        expect(sink.items.some((d) => d.code === 'INGRESS_SUBNET_EXHAUSTED')).toBe(!fits);
        expect(result !== undefined).toBe(fits);
      }),
      { numRuns: 150 },
    );
  });
});
