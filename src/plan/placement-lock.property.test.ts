/**
 * Locked placement over generated stacks, clusters and edits (fast-check): a
 * recompile never moves a task whose node is still valid for it, whatever else
 * changed in the stack; a removed node re-places only its own tasks; arbitrary
 * (even stale or junk) locks still give valid placements; determinism holds with a lock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Plan } from '../model/plan.js';
import type { Service } from '../model/stack.js';
import { buildPlan } from './build-plan.js';
import { constraintMatches } from './constraints.js';
import { serializeLock, type Lock } from './lock.js';
import { inventoryOf, node, stackOf, svc } from './testing/make.js';

const NAMES = ['api', 'db', 'ngx', 'web', 'cache', 'queue', 'auth', 'mail'];
const CONSTRAINTS = [[], ['node.labels.zone == a'], ['node.role != manager'], ['node.hostname != node2'], ['node.labels.zone != b']];

const configArb = fc.record({
  global: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
  replicas: fc.integer({ min: 0, max: 5 }),
  constraints: fc.constantFrom(...CONSTRAINTS),
  max: fc.integer({ min: 0, max: 3 }),
  spread: fc.constantFrom([], ['node.labels.zone']),
  port: fc.boolean(),
});
type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

const build = (name: string, c: Config): Service =>
  svc(name, { replicas: c.replicas, global: c.global, constraints: c.constraints, maxReplicasPerNode: c.max || undefined, spread: c.spread, ports: c.port ? ['80'] : [] });

const nodesArb = (min: number) =>
  fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: min, maxLength: 5 }).map((zones) =>
    zones.map((zone, i) => node(`node${i + 1}`, { role: i === 0 ? 'manager' : 'worker', labels: { zone } })),
  );

const editArb = fc.record({ kind: fc.constantFrom('keep', 'remove', 'scale', 'reconfigure'), replicas: fc.integer({ min: 0, max: 6 }), config: configArb });

function compile(services: readonly Service[], nodes: readonly InventoryNode[], lock?: Lock) {
  const sink = new DiagnosticSink();
  return buildPlan(stackOf(services), inventoryOf(nodes), { lock }, sink);
}

/** What decides whether a task's node is still valid for it. */
const placementKey = (s: Service) => JSON.stringify([s.mode, s.placement.constraints.map((c) => c.raw), s.placement.maxReplicasPerNode ?? 0]);

const nodeOf = (p: Plan) => new Map(p.services.flatMap((s) => s.tasks.map((t) => [t.name, t.node] as const)));

/** Every task on an eligible node, at most max_replicas_per_node per node, the right count (tasks Swarm leaves pending are not meshed). */
function expectValid(p: Plan, services: readonly Service[], nodes: readonly InventoryNode[]): void {
  for (const s of services) {
    const tasks = p.services.find((x) => x.name === s.name)?.tasks ?? [];
    const eligible = nodes.filter((n) => s.placement.constraints.every((c) => constraintMatches(c, n)));
    const max0 = s.placement.maxReplicasPerNode ?? 0;
    const replicas = s.replicas ?? 1;
    expect(tasks.length).toBe(s.mode === 'global' ? eligible.length : Math.min(replicas, max0 > 0 ? max0 * eligible.length : eligible.length > 0 ? replicas : 0));
    const perNode = new Map<string, number>();
    for (const t of tasks) {
      expect(eligible.some((n) => n.name === t.node)).toBe(true);
      perNode.set(t.node, (perNode.get(t.node) ?? 0) + 1);
    }
    const max = s.placement.maxReplicasPerNode ?? 0;
    if (max > 0) for (const n of perNode.values()) expect(n).toBeLessThanOrEqual(max);
  }
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  return items.map((x, i) => [x, ((i + 1) * (seed | 1) * 2654435761) % 1000] as const).sort((a, b) => a[1] - b[1]).map(([x]) => x);
}

describe('locked placement properties', () => {
  it('adding, removing, reordering, scaling or reconfiguring services never moves a task of a service whose constraints did not change', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.subarray(NAMES, { minLength: 1 }), fc.array(configArb, { minLength: 8, maxLength: 8 }), fc.array(editArb, { minLength: 8, maxLength: 8 }), fc.subarray(NAMES), nodesArb(1), fc.integer(), (names, configs, edits, added, nodes, seed) => {
        const a = names.map((n, i) => build(n, configs[i] as Config));
        const b: Service[] = [];
        for (const [i, s] of a.entries()) {
          const e = edits[i]!;
          if (e.kind === 'keep') b.push(s);
          else if (e.kind === 'scale') b.push(build(s.name, { ...configs[i]!, replicas: e.replicas }));
          else if (e.kind === 'reconfigure') b.push(build(s.name, e.config));
        }
        for (const [j, n] of added.filter((n) => !names.includes(n)).entries()) b.push(build(n, edits[j]!.config));
        const first = compile(a, nodes);
        fc.pre(first !== undefined);
        const second = compile(shuffle(b, seed), nodes, first!.lock);
        fc.pre(second !== undefined);
        expectValid(second!.plan, b, nodes);
        const before = nodeOf(first!.plan);
        for (const s of b.filter((x) => a.some((y) => y.name === x.name && placementKey(y) === placementKey(x)))) {
          for (const t of second!.plan.services.find((x) => x.name === s.name)?.tasks ?? []) {
            if (!before.has(t.name)) continue;
            expect(t.node, t.name).toBe(before.get(t.name));
            compared++;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('a node removed from the inventory re-places only its own tasks', () => {
    let moved = 0;
    fc.assert(
      fc.property(fc.subarray(NAMES, { minLength: 1 }), fc.array(configArb, { minLength: 8, maxLength: 8 }), nodesArb(2), fc.nat(), (names, configs, nodes, k) => {
        const services = names.map((n, i) => build(n, configs[i] as Config));
        const gone = nodes[k % nodes.length]!.name;
        const rest = nodes.filter((n) => n.name !== gone);
        const first = compile(services, nodes);
        fc.pre(first !== undefined);
        const second = compile(services, rest, first!.lock);
        fc.pre(second !== undefined);
        expectValid(second!.plan, services, rest);
        const before = nodeOf(first!.plan);
        for (const [task, now] of nodeOf(second!.plan)) {
          const was = before.get(task);
          if (was !== gone) expect(now, task).toBe(was);
          else moved++;
        }
      }),
      { numRuns: 200 },
    );
    expect(moved).toBeGreaterThan(20);
  });

  it('any lock, even a stale or junk one, gives a valid placement, deterministic in service order, and a fixpoint', () => {
    const junkArb = fc.dictionary(
      fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 1, max: 7 })).map(([n, i]) => `st_${n}.${i}`),
      fc.constantFrom('node1', 'node2', 'node3', 'node4', 'node5', 'node9', 'x'),
    );
    fc.assert(
      fc.property(fc.subarray(NAMES, { minLength: 1 }), fc.array(configArb, { minLength: 8, maxLength: 8 }), nodesArb(1), junkArb, fc.integer(), (names, configs, nodes, placement, seed) => {
        const services = names.map((n, i) => build(n, configs[i] as Config));
        const lock: Lock = { version: 1, ports: {}, fwmarks: {}, ips: { nodes: {}, vips: {}, tasks: {} }, placement };
        const one = compile(services, nodes, lock);
        fc.pre(one !== undefined);
        expectValid(one!.plan, services, nodes);
        const two = compile(shuffle(services, seed), nodes, lock)!;
        expect(JSON.stringify(two.plan)).toBe(JSON.stringify(one!.plan));
        expect(serializeLock(two.lock)).toBe(serializeLock(one!.lock));
        // Recompiling with the lock just written changes nothing (so --frozen passes after a compile).
        expect(serializeLock(compile(services, nodes, one!.lock)!.lock)).toBe(serializeLock(one!.lock));
      }),
      { numRuns: 200 },
    );
  });
});
