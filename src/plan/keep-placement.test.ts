import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Service } from '../model/stack.js';
import { buildPlan } from './build-plan.js';
import { keepLocked } from './keep-placement.js';
import type { Lock } from './lock.js';
import { placeTasks } from './place-tasks.js';
import { cluster, inventoryOf, node, stackOf, svc } from './testing/make.js';

function place(services: Service[], nodes: InventoryNode[], locked: Record<string, string> = {}) {
  const sink = new DiagnosticSink();
  const placed = placeTasks('st', services, nodes, locked, sink);
  const at = (name: string) => (placed?.get(name) ?? []).map((t) => `${t.name}@${t.node}`);
  return { placed, sink, at };
}

function compile(services: Service[], nodes: InventoryNode[], lock?: Lock) {
  const sink = new DiagnosticSink();
  const result = buildPlan(stackOf(services), inventoryOf(nodes), { lock }, sink);
  return { result: result!, sink };
}

const zoned = [
  node('n1', { labels: { zone: 'east' } }),
  node('n2', { labels: { zone: 'east' } }),
  node('n3', { labels: { zone: 'west' } }),
  node('n4', { labels: { zone: 'west' } }),
];

describe('locked placement', () => {
  it('keeps locked tasks where they are, even where a fresh placement would differ', () => {
    const { at, sink } = place([svc('web', { replicas: 3 })], cluster(3), { 'st_web.1': 'node3', 'st_web.2': 'node3', 'st_web.3': 'node1' });
    expect(at('web')).toEqual(['st_web.1@node3', 'st_web.2@node3', 'st_web.3@node1']);
    expect(sink.items).toEqual([]);
  });

  it('moves a task whose node no longer satisfies a changed constraint, and warns', () => {
    const locked = { 'st_web.1': 'n1', 'st_web.2': 'n3' };
    const { at, sink } = place([svc('web', { replicas: 2, constraints: ['node.labels.zone == west'] })], zoned, locked);
    expect(at('web')).toEqual(['st_web.1@n4', 'st_web.2@n3']);
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['LOCK_VALUE_REALLOCATED', 'warning']]);
    expect(sink.items[0]?.message).toContain("node of task 'st_web.1': locked value 'n1'");
    expect(sink.items[0]?.message).toContain("reallocated as 'n4'");
    expect(sink.items[0]?.message).toContain('constraints');
  });

  it('keeps the lowest slots when max_replicas_per_node is lowered, re-placing the excess', () => {
    const locked = { 'st_web.1': 'node1', 'st_web.2': 'node1', 'st_web.3': 'node1', 'st_web.4': 'node2' };
    const { at, sink } = place([svc('web', { replicas: 4, maxReplicasPerNode: 2 })], cluster(3), locked);
    // slot 3 exceeds the limit on node1; it goes to node3, the node with fewest tasks of web.
    expect(at('web')).toEqual(['st_web.1@node1', 'st_web.2@node1', 'st_web.3@node3', 'st_web.4@node2']);
    expect(sink.items.map((d) => d.message)).toEqual([expect.stringContaining("'st_web.3': locked value 'node1'")]);
  });

  it('re-places only the tasks of a node removed from the inventory', () => {
    const locked = { 'st_web.1': 'node1', 'st_web.2': 'node2', 'st_web.3': 'node3', 'st_api.1': 'node3', 'st_api.2': 'node1' };
    const services = [svc('api', { replicas: 2 }), svc('web', { replicas: 3 })]; // sorted, as buildPlan passes them
    const { at, sink } = place(services, cluster(2), locked);
    // api goes first (name order) and evens node1 and node2 out; web.3 then takes the lower name.
    expect(at('web')).toEqual(['st_web.1@node1', 'st_web.2@node2', 'st_web.3@node1']);
    expect(at('api')).toEqual(['st_api.1@node2', 'st_api.2@node1']);
    expect(sink.items.map((d) => d.message)).toEqual([
      expect.stringContaining("'node3' is no longer in the inventory"),
      expect.stringContaining("'node3' is no longer in the inventory"),
    ]);
  });

  it('counts locked tasks of every service in the load when placing new ones', () => {
    // Without the lock, b would take node1 (lowest name, nothing placed before it).
    const { at } = place([svc('a', { replicas: 2 }), svc('b')], cluster(3), { 'st_b.1': 'node1', 'st_a.1': 'node1' });
    expect(at('a')).toEqual(['st_a.1@node1', 'st_a.2@node2']);
    expect(at('b')).toEqual(['st_b.1@node1']);
    const added = place([svc('a', { replicas: 1 }), svc('c', { replicas: 2 })], cluster(3), { 'st_a.1': 'node1' });
    expect(added.at('c')).toEqual(['st_c.1@node2', 'st_c.2@node3']);
  });

  it('places new replicas under spread counting the kept ones per label value', () => {
    const locked = { 'st_web.1': 'n1', 'st_web.2': 'n2' };
    const { at } = place([svc('web', { replicas: 4, spread: ['node.labels.zone'] })], zoned, locked);
    expect(at('web')).toEqual(['st_web.1@n1', 'st_web.2@n2', 'st_web.3@n3', 'st_web.4@n4']);
  });

  it('keeps tasks when only the spread preference changed (a preference, not a constraint)', () => {
    const locked = { 'st_web.1': 'n1', 'st_web.2': 'n2' };
    expect(place([svc('web', { replicas: 2, spread: ['node.labels.zone'] })], zoned, locked).at('web')).toEqual(['st_web.1@n1', 'st_web.2@n2']);
  });

  it('scales down by removing the highest slots and freeing their entries; scales up around the kept ones', () => {
    const first = compile([svc('web', { replicas: 3 })], cluster(3));
    expect(first.result.lock.placement).toEqual({ 'st_web.1': 'node1', 'st_web.2': 'node2', 'st_web.3': 'node3' });
    const down = compile([svc('web', { replicas: 1 })], cluster(3), first.result.lock);
    expect(down.result.lock.placement).toEqual({ 'st_web.1': 'node1' });
    const up = compile([svc('web', { replicas: 4 })], cluster(3), { ...first.result.lock, placement: { 'st_web.1': 'node3', 'st_web.2': 'node3' } });
    expect(up.result.lock.placement).toEqual({ 'st_web.1': 'node3', 'st_web.2': 'node3', 'st_web.3': 'node1', 'st_web.4': 'node2' });
  });

  it('records global tasks too, and a recompile reproduces the lock exactly', () => {
    const services = [svc('agent', { global: true, constraints: ['node.role != manager'] }), svc('web', { replicas: 2, ports: ['80'] })];
    const first = compile(services, cluster(3));
    expect(first.result.lock.placement).toEqual({ 'st_agent.node2': 'node2', 'st_agent.node3': 'node3', 'st_web.1': 'node1', 'st_web.2': 'node2' });
    const again = compile([...services].reverse(), cluster(3), first.result.lock);
    expect(again.result.lock).toEqual(first.result.lock);
    expect(again.sink.items).toEqual([]);
  });

  it('ignores entries of other tasks and reports nothing for slots the lock never had', () => {
    const eligible = new Map(cluster(2).map((n) => [n.name, n]));
    const kept = keepLocked('st_web', 2, eligible, 0, { 'st_web.2': 'node2', 'st_web.3': 'node1', 'st_api.1': 'node1' }, new Set(eligible.keys()));
    expect(kept.slots.map((n) => n?.name)).toEqual([undefined, 'node2']);
    expect(kept.moved).toEqual([]);
  });
});
