import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { placeTasks } from './place-tasks.js';
import { cluster, node, svc } from './testing/make.js';
import type { Service } from '../model/stack.js';
import type { InventoryNode } from '../model/inventory.js';

function place(services: Service[], nodes: InventoryNode[]) {
  const sink = new DiagnosticSink();
  const placed = placeTasks('st', services, nodes, {}, sink);
  const byService = (name: string) => (placed?.get(name) ?? []).map((t) => `${t.name}@${t.node}`);
  const perNode = (name: string) => {
    const counts: Record<string, number> = {};
    for (const t of placed?.get(name) ?? []) counts[t.node] = (counts[t.node] ?? 0) + 1;
    return counts;
  };
  return { placed, sink, byService, perNode };
}

const zoned = [
  node('n1', { labels: { zone: 'east' } }),
  node('n2', { labels: { zone: 'east' } }),
  node('n3', { labels: { zone: 'east' } }),
  node('n4', { labels: { zone: 'west' } }),
];

describe('placeTasks', () => {
  it('spreads replicas evenly, ties broken by node name, slots 1..N', () => {
    const { byService } = place([svc('web', { replicas: 4 })], cluster(3));
    expect(byService('web')).toEqual(['st_web.1@node1', 'st_web.2@node2', 'st_web.3@node3', 'st_web.4@node1']);
  });

  it('balances across services by total load', () => {
    const { byService } = place([svc('a'), svc('b'), svc('c')], cluster(3));
    expect([...byService('a'), ...byService('b'), ...byService('c')]).toEqual(['st_a.1@node1', 'st_b.1@node2', 'st_c.1@node3']);
  });

  it('places a global service once on every eligible node, named after the node', () => {
    const nodes = cluster(3);
    const { byService } = place([svc('agent', { global: true, constraints: ['node.role != manager'] })], nodes);
    expect(byService('agent')).toEqual(['st_agent.node2@node2', 'st_agent.node3@node3']);
  });

  it('matches constraints as swarmkit does: values case-insensitive, missing label is ""', () => {
    const nodes = [node('n1', { labels: { disk: 'SSD' } }), node('n2'), node('n3', { engineLabels: { os: 'debian' } })];
    expect(place([svc('db', { replicas: 2, constraints: ['node.labels.disk == ssd'] })], nodes).perNode('db')).toEqual({ n1: 2 });
    expect(place([svc('x', { replicas: 2, constraints: ['node.labels.disk != ssd'] })], nodes).perNode('x')).toEqual({ n2: 1, n3: 1 });
    expect(place([svc('e', { constraints: ['engine.labels.os == debian'] })], nodes).perNode('e')).toEqual({ n3: 1 });
    expect(place([svc('h', { constraints: ['node.hostname == n2', 'node.id == n2'] })], nodes).perNode('h')).toEqual({ n2: 1 });
    expect(place([svc('p', { constraints: ['node.platform.os == linux'] })], nodes).perNode('p')).toEqual({ n1: 1 });
  });

  it('spreads over label values first, then evenly inside each value', () => {
    const { perNode } = place([svc('web', { replicas: 4, spread: ['node.labels.zone'] })], zoned);
    // Half per zone: west's single node takes 2, east's three nodes share 2.
    expect(perNode('web')).toEqual({ n1: 1, n2: 1, n4: 2 });
  });

  it('treats nodes without the spread label as one more group', () => {
    const nodes = [...zoned, node('n5')];
    const { perNode } = place([svc('web', { replicas: 3, spread: ['node.labels.zone'] })], nodes);
    expect(perNode('web')).toEqual({ n1: 1, n4: 1, n5: 1 });
  });

  it('honours max_replicas_per_node, even against the spread preference', () => {
    const { perNode } = place([svc('web', { replicas: 4, spread: ['node.labels.zone'], maxReplicasPerNode: 1 })], zoned);
    expect(perNode('web')).toEqual({ n1: 1, n2: 1, n3: 1, n4: 1 });
  });

  it('warns about too few nodes for max_replicas_per_node and meshes the tasks Swarm can place', () => {
    const { placed, sink } = place([svc('web', { replicas: 5, maxReplicasPerNode: 2 })], cluster(2));
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['MAX_REPLICAS_UNSATISFIABLE', 'warning']]);
    expect(sink.items[0]?.message).toMatch(/^1 task\(s\) of web stay pending: .*allows only 4 of 5/);
    expect(placed?.get('web')?.map((t) => t.name)).toEqual(['st_web.1', 'st_web.2', 'st_web.3', 'st_web.4']);
  });

  it('warns about a service no node can take, naming every constraint at the placement, and meshes none of its tasks', () => {
    const { placed, sink } = place([svc('db', { constraints: ['node.role == manager', 'node.labels.disk == ssd'] })], cluster(3));
    expect(placed?.get('db')).toEqual([]);
    const [d] = sink.items;
    expect([d?.code, d?.severity]).toEqual(['NO_ELIGIBLE_NODE', 'warning']);
    expect(d?.message).toMatch(/^1 task\(s\) of db stay pending: no node has node.role == manager and node.labels.disk == ssd/);
    expect(d?.loc).toEqual({ file: 'stack.yml', line: 9, col: 9 });
    expect(d?.notes).toHaveLength(2);
  });

  it('warns about a key the inventory does not record and takes every node to satisfy it', () => {
    const { placed, sink } = place([svc('x', { constraints: ['node.platform.arch == x86_64'] })], cluster(1));
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['PLACEMENT_KEY_UNSUPPORTED', 'warning']]);
    expect(placed?.get('x')).toHaveLength(1);
  });

  it('without an inventory judges no placement: every task lands on the local node', () => {
    const services = [svc('db', { replicas: 3, constraints: ['node.labels.region == eu'], maxReplicasPerNode: 1 })];
    const sink = new DiagnosticSink();
    const placed = placeTasks('st', services, cluster(1), {}, sink, false);
    expect(sink.items).toEqual([]);
    expect(placed?.get('db')).toHaveLength(3);
  });

  it('matches node.ip against the node address or a CIDR subnet, as swarmkit does', () => {
    const two = cluster(2);
    const ip = two[1]?.address ?? '';
    expect(place([svc('a', { constraints: [`node.ip == ${ip}`] })], two).placed?.get('a')?.map((t) => t.node)).toEqual([two[1]?.name]);
    expect(place([svc('b', { constraints: [`node.ip != ${ip}/32`] })], two).placed?.get('b')?.map((t) => t.node)).toEqual([two[0]?.name]);
    expect(place([svc('c', { constraints: ['node.ip == 10.9.9.0/99'] })], two).placed?.get('c')).toEqual([]);
  });

  it('places nothing for zero replicas, without errors', () => {
    const { placed, sink } = place([svc('x', { replicas: 0, constraints: ['node.labels.none == here'] })], cluster(1));
    expect(placed?.get('x')).toEqual([]);
    expect(sink.items).toEqual([]);
  });
});

describe('placeTasks: the round-robin fast path', () => {
  it('places exactly as the general least-loaded walk does (a spread over a label no node has)', async () => {
    const fc = (await import('fast-check')).default;
    let placedSomething = false;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            replicas: fc.integer({ min: 0, max: 9 }),
            max: fc.integer({ min: 0, max: 3 }),
            // Overlapping eligible sets exercise the load index across sets.
            constraints: fc.constantFrom([], ['node.role != manager'], ['node.hostname != node2'], ['node.role == manager']),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 6 }),
        (specs, n) => {
          const make = (spread: string[]) =>
            specs.map((s, i) => svc(`s${i}`, { replicas: s.replicas, maxReplicasPerNode: s.max || undefined, constraints: s.constraints, spread }));
          const fast = placeTasks('st', make([]), cluster(n), {}, new DiagnosticSink());
          const walk = placeTasks('st', make(['node.labels.none']), cluster(n), {}, new DiagnosticSink());
          expect(fast && [...fast]).toEqual(walk && [...walk]);
          if (fast) placedSomething ||= [...fast.values()].some((t) => t.length > 3);
        },
      ),
      { numRuns: 300 },
    );
    expect(placedSomething).toBe(true);
  });
});
