// Placement: swarmkit's constraint grammar, spread preferences, max replicas per node.
import { describe, expect, it } from 'vitest';
import { parseConstraint } from './placement.js';
import { normalizeYaml } from './testing/run.js';

describe('parseConstraint', () => {
  it.each([
    ['node.role==manager', 'node.role', '==', 'manager'],
    ['node.role != worker', 'node.role', '!=', 'worker'],
    ['node.hostname == node-1', 'node.hostname', '==', 'node-1'],
    ['node.id==2ivku8v2gvtg4', 'node.id', '==', '2ivku8v2gvtg4'],
    ['node.labels.zone==east', 'node.labels.zone', '==', 'east'],
    ['engine.labels.operatingsystem==ubuntu 24.04', 'engine.labels.operatingsystem', '==', 'ubuntu 24.04'],
    ['node.platform.os==linux', 'node.platform.os', '==', 'linux'],
    ['node.platform.arch!=x86_64', 'node.platform.arch', '!=', 'x86_64'],
  ])('%s', (raw, key, op, value) => {
    expect(parseConstraint(raw)).toEqual({ key, op, value, raw });
  });

  it.each([
    ['node.role=manager', 'expected <key>==<value>'],
    ['node.role==boss', 'node.role is manager or worker'],
    ['node.colour==red', 'unknown key "node.colour"'],
    ['node.labels.==x', 'unknown key "node.labels."'],
    ['==x', 'is not a valid constraint key'],
    ['node.labels.zone==', 'is not a valid constraint value'],
    ['node.labels.zone==a,b', 'is not a valid constraint value'],
  ])('rejects %s', (raw, why) => {
    const r = parseConstraint(raw);
    expect('error' in r && r.error).toContain(why);
  });
});

describe('normalizePlacement', () => {
  it('keeps constraints, spread and max replicas, and reports malformed entries at their position', () => {
    const r = normalizeYaml(`services:
  a:
    image: x
    deploy:
      placement:
        constraints: [node.role==manager, "node.colour==red"]
        preferences: [{spread: node.labels.zone}, {spread: zone}]
        max_replicas_per_node: 2
`);
    expect(r.codes).toEqual(['6:43 CONSTRAINT_INVALID', '7:60 PREFERENCE_INVALID']);
    expect(r.items[0]?.message).toContain('invalid placement constraint "node.colour==red"');
  });

  it('builds the placement of a valid service', () => {
    const p = normalizeYaml(
      'services:\n  a:\n    image: x\n    deploy:\n      placement:\n        constraints: [node.labels.zone==east]\n        preferences: [{spread: node.labels.rack}]\n        max_replicas_per_node: 2\n',
    ).stack?.services[0]?.placement;
    expect(p?.constraints.map((c) => [c.key, c.op, c.value, c.loc.line])).toEqual([['node.labels.zone', '==', 'east', 6]]);
    expect(p?.spread.map((s) => s.descriptor)).toEqual(['node.labels.rack']);
    expect(p?.maxReplicasPerNode).toBe(2);
  });
});
