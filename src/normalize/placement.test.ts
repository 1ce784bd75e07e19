// Placement: swarmkit's constraint grammar, spread preferences, max replicas per node.
import { describe, expect, it } from 'vitest';
import { neverMatches, parseConstraint } from './placement.js';
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

  // swarmkit manager/constraint/constraint.go Parse: its own messages.
  it.each([
    ['node.role=manager', 'constraint expected one operator from ==, !='],
    ['==x', "key '' is invalid"],
    ['node.labels.zone==', "value '' is invalid"],
    ['node.labels.zone==a,b', "value 'a,b' is invalid"],
    // "==" is tried first, whatever comes earlier in the string.
    ['a!=b==c', "key 'a!=b' is invalid"],
  ])('rejects %s', (raw, why) => {
    const r = parseConstraint(raw);
    expect('error' in r && r.error).toBe(why);
  });

  // Parse accepts these; NodeMatches matches them against no node (tasks stay pending).
  it.each([
    ['node.role==boss', 'node.role is manager or worker'],
    ['node.colour==red', 'Swarm knows no key "node.colour"'],
    ['node.labels.==x', 'Swarm knows no key "node.labels."'],
    ['node.ip==10.0.0.300', 'neither an IP address nor a CIDR subnet'],
  ])('deploys %s, matching no node', (raw, why) => {
    const r = parseConstraint(raw);
    expect('error' in r).toBe(false);
    if (!('error' in r)) expect(neverMatches(r)).toContain(why);
  });
  it.each(['node.ip==10.0.0.1', 'node.ip!=10.0.0.0/8', 'NODE.LABELS.zone==a', 'node.role!=boss'])('%s can match', (raw) => {
    const r = parseConstraint(raw);
    if (!('error' in r)) expect(neverMatches(r)).toBeUndefined();
    else expect.fail(r.error);
  });
});

describe('normalizePlacement', () => {
  it('keeps constraints, spread and max replicas, and reports malformed entries at their position', () => {
    const r = normalizeYaml(`services:
  a:
    image: x
    deploy:
      placement:
        constraints: [node.role==manager, "node.colour==red", "node.role=manager"]
        preferences: [{spread: node.labels.zone}, {spread: node.id}]
        max_replicas_per_node: 2
`);
    expect(r.codes).toEqual(['6:43 CONSTRAINT_NEVER_MATCHES', '6:63 CONSTRAINT_INVALID', '7:60 PREFERENCE_IGNORED']);
    expect(r.items.map((d) => d.severity)).toEqual(['warning', 'error', 'warning']);
    expect(r.items[0]?.message).toContain('Swarm accepts the service and leaves its tasks pending');
    expect(r.items[1]?.message).toBe('invalid placement constraint "node.role=manager": constraint expected one operator from ==, !=');
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
