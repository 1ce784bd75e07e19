/**
 * The hand-written shape checks must accept exactly what the JSON schemas accept:
 * compared with ajv on valid documents, documents with one part replaced by junk or
 * one unknown key added, and arbitrary values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInventoryShape, isLockShape } from './shape-checks.js';
import { schemaValidator } from './yaml-source.js';

const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -5, max: 70000 }), fc.double(), fc.string({ maxLength: 6 }), fc.constant([]), fc.constant({}));
const name = fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/);
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(name, value, { maxKeys: 3 });

const validLock = fc.record({
  version: fc.constant(1),
  ports: dict(fc.dictionary(fc.constantFrom('80/tcp', '53/udp', '3868/sctp', '65535/tcp'), fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 3 }), { maxKeys: 3 })),
  fwmarks: dict(fc.integer({ min: 1, max: 2 ** 32 - 1 })),
  ips: fc.record({ nodes: dict(fc.ipV4()), vips: dict(fc.ipV4()), tasks: dict(fc.ipV4()) }),
  placement: fc.option(dict(fc.string({ minLength: 1, maxLength: 5 })), { nil: undefined }),
}).map(({ placement, ...rest }) => (placement === undefined ? rest : { ...rest, placement }));

const validInventory = fc.record(
  {
    nodes: fc.array(
      fc.record(
        {
          name: fc.string({ maxLength: 5 }),
          address: fc.string({ maxLength: 8 }),
          role: fc.constantFrom('manager', 'worker'),
          labels: dict(fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean())),
          engine_labels: dict(fc.string({ maxLength: 4 })),
        },
        { requiredKeys: ['name', 'address'] },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    network: fc.record(
      {
        ingress_subnet: fc.string({ maxLength: 4 }),
        host_bridge_ip: fc.string({ maxLength: 4 }),
        vni: fc.integer(),
        vxlan_port: fc.integer(),
        dynamic_port_range: fc.tuple(fc.integer(), fc.integer()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['nodes'] },
);

/** Every value inside `v` (depth first), so a mutation can target any of them. */
function nodes(v: unknown, out: unknown[] = []): unknown[] {
  out.push(v);
  if (typeof v === 'object' && v !== null) for (const child of Object.values(v)) nodes(child, out);
  return out;
}

/** `v` with its n-th value replaced by `junk`, or (for an object) given an extra key. */
function mutate(v: unknown, n: number, junkValue: unknown, addKey: boolean): unknown {
  const all = nodes(v);
  const target = all[n % all.length];
  const walk = (x: unknown): unknown => {
    if (x === target) {
      if (addKey && typeof x === 'object' && x !== null && !Array.isArray(x)) return { ...x, zzz_unknown: junkValue };
      return junkValue;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, c]) => [k, walk(c)]));
    return x;
  };
  return walk(v);
}

const variants = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    valid,
    fc.tuple(valid, fc.nat(), junk, fc.boolean()).map(([v, n, j, add]) => mutate(v, n, j, add)),
    fc.anything(),
  );

function agree(schema: string, check: (v: unknown) => boolean, valid: fc.Arbitrary<unknown>) {
  const validate = schemaValidator(schema);
  const seen = { accepted: 0, rejected: 0 };
  fc.assert(
    fc.property(variants(valid), (value) => {
      const ajvSays = validate(value);
      seen[ajvSays ? 'accepted' : 'rejected']++;
      expect(check(value)).toBe(ajvSays);
    }),
    { numRuns: 3000 },
  );
  // Both verdicts must be common, or the agreement would prove little.
  expect(seen.accepted).toBeGreaterThan(500);
  expect(seen.rejected).toBeGreaterThan(500);
}

describe('shape checks agree with the JSON schemas', () => {
  it('lock', () => agree('lock', isLockShape, validLock));
  it('inventory', () => agree('inventory', isInventoryShape, validInventory));
});
