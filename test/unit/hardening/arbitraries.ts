/**
 * fast-check generators of whole stacks and inventories, valid and invalid alike: the
 * property suite wants inputs that reach every stage (so mostly plausible ones) and
 * inputs that break each stage (a sprinkle of bad names, ports, modes, settings).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HOSTILE_CHARS = [...'-_.;$`\'" /\\\n\t%*', 'é', '\u0000', 'ｗ'];

const label = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...LETTERS), minLength: min, maxLength: max });

/** Mostly DNS-component names, sometimes anything from a hostile alphabet. */
export const nameArb = fc.oneof(
  { weight: 40, arbitrary: fc.tuple(label(1, 8), fc.constantFrom('', '-', '_'), label(0, 4)).map(([a, s, b]) => (b ? `${a}${s}${b}` : a)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...LETTERS, ...HOSTILE_CHARS), minLength: 0, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(64), '-x', 'x-', '_', 'COMMIT', '..') },
);

/** Mostly `valid`, now and then `invalid`: most cases reach the back end, some break a stage. */
const mostly = <A, B>(valid: fc.Arbitrary<A>, invalid: fc.Arbitrary<B>): fc.Arbitrary<A | B> =>
  fc.oneof({ weight: 24, arbitrary: valid as fc.Arbitrary<A | B> }, { weight: 1, arbitrary: invalid as fc.Arbitrary<A | B> });

const goodPort = fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 2377 && p !== 7946 && p !== 4789);
const portNum = mostly(goodPort, fc.constantFrom(0, 65536, -1, 2377, 7946, 4789));
const proto = mostly(fc.constantFrom('', '/tcp', '/udp', '/sctp'), fc.constantFrom('/TCP', '/http', '/'));
const smallRange = fc.tuple(fc.integer({ min: 1024, max: 65000 }), fc.integer({ min: 0, max: 3 }));

/** Every short form: "T", "P:T", "IP:P:T", "P1-P2:T1-T2", "T1-T2", with protocols, plus junk. */
export const shortPortArb = mostly(
  fc.oneof(
    fc.tuple(portNum, proto).map(([t, p]) => `${t}${p}`),
    fc.tuple(portNum, portNum, proto).map(([pub, t, p]) => `${pub}:${t}${p}`),
    fc.tuple(fc.constantFrom('0.0.0.0', '127.0.0.1'), portNum, portNum, proto).map(([ip, pub, t, p]) => `${ip}:${pub}:${t}${p}`),
    fc.tuple(smallRange, proto).map(([[a, n], p]) => `${a}-${a + n}:${a}-${a + n}${p}`),
    fc.tuple(smallRange, proto).map(([[a, n], p]) => `${a}-${a + n}${p}`),
    fc.integer({ min: 1, max: 65535 }),
  ),
  fc.oneof(
    fc.tuple(smallRange, smallRange, proto).map(([[a, n], [b, m], p]) => `${a}-${a + n}:${b}-${b + m}${p}`),
    fc.constantFrom('[::1]:80:80', 'host:80:80'),
    fc.string({ unit: fc.constantFrom(...'0123456789:-/.abc'), maxLength: 10 }),
  ),
);

export const longPortArb = fc.record(
  {
    target: mostly(goodPort, fc.constantFrom('80', 0)),
    published: portNum,
    protocol: mostly(fc.constantFrom('tcp', 'udp', 'sctp'), fc.constantFrom('TCP', 'icmp')),
    mode: mostly(fc.constantFrom('ingress', 'host'), fc.constant('bridge')),
  },
  { requiredKeys: ['target'] },
);

const constraintArb = mostly(
  fc.constantFrom('node.role == manager', 'node.role != worker', 'node.labels.zone == east', 'node.labels.zone != west', 'node.hostname != node2', 'node.platform.os == linux'),
  fc.constantFrom('node.labels.zone', 'engine.labels.x == y', 'node.id === x', 'node.hostname == nowhere'),
);

const healthArb = mostly(
  fc.oneof(
    fc.record({ tcp: fc.oneof(fc.constant(null), fc.record({ port: goodPort })) }),
    fc.record({ http: fc.record({ path: fc.constantFrom('/', '/health', '/a b?c=%'), status: fc.integer({ min: 100, max: 599 }) }, { requiredKeys: ['path'] }) }),
  ),
  fc.oneof(fc.record({ udp: fc.constant({}) }), fc.record({ http: fc.record({ path: fc.constant('nope') }) })),
);

const deployArb = fc.record(
  {
    mode: mostly(fc.constantFrom('replicated', 'global'), fc.constant('bogus')),
    replicas: fc.integer({ min: 0, max: 4 }),
    endpoint_mode: mostly(fc.constant('vip'), fc.constant('dnsrr')),
    placement: fc.record({ constraints: fc.array(constraintArb, { maxLength: 2 }), max_replicas_per_node: fc.integer({ min: 0, max: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
).map((d) => (d.mode === 'global' ? { ...d, replicas: undefined } : d));

// A health probe needs a reachable port, so probes are rarer than other keys: most cases should compile.
export const serviceArb = fc
  .tuple(
    fc.record(
      {
        image: mostly(fc.constantFrom('nginx', 'redis:7', 'registry.example.com:5000/a/b@sha256:' + 'a'.repeat(64)), fc.constant('')),
        ports: fc.array(fc.oneof({ weight: 3, arbitrary: shortPortArb }, { weight: 1, arbitrary: longPortArb }), { maxLength: 3 }),
        deploy: deployArb,
      },
      { requiredKeys: ['image'] },
    ),
    fc.option(fc.record({ health: healthArb }), { freq: 2, nil: undefined }),
    fc.nat(4),
  )
  .map(([svc, probe, dice]) => (probe && dice === 0 ? { ...svc, 'x-meshc': probe } : svc));

const settingsArb = fc.record(
  {
    ingress_subnet: mostly(fc.constantFrom('10.0.0.0/24', '10.10.0.0/16'), fc.constantFrom('10.0.0.0/31', 'bogus')),
    fwmark_base: mostly(fc.constantFrom(256, 1, 4294967000), fc.constant(0)),
    dynamic_port_range: mostly(fc.constantFrom([30000, 32767], [40000, 40100]), fc.constant([5, 1])),
  },
  { requiredKeys: [] },
);

export interface StackCase {
  readonly services: readonly (readonly [string, Json])[];
  readonly version: string;
  readonly settings: Json | undefined;
  /** Block-style YAML text, or JSON (which YAML reads too). */
  readonly blockYaml: boolean;
}

export const stackArb: fc.Arbitrary<StackCase> = fc.record({
  services: fc.uniqueArray(fc.tuple(nameArb, serviceArb), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
  version: mostly(fc.constantFrom('3.8', '3.13', '3.9'), fc.constantFrom('3.0', '3.2', '3', '2.4')),
  settings: fc.option(settingsArb, { nil: undefined }),
  blockYaml: fc.boolean(),
});

/** The stack as YAML text (block style or JSON), services in the given order. */
export function stackText(c: StackCase, order: readonly number[] = c.services.map((_, i) => i)): string {
  const services = Object.fromEntries(order.map((i) => c.services[i]!));
  const doc = { version: c.version, services, ...(c.settings ? { 'x-meshc': c.settings } : {}) };
  return c.blockYaml ? stringify(doc) : JSON.stringify(doc, null, 2) + '\n';
}

const nodeArb = fc.record({
  name: nameArb,
  octet: fc.integer({ min: 1, max: 254 }),
  role: mostly(fc.constantFrom('manager', 'worker'), fc.constant('boss')),
  zone: mostly(fc.constantFrom('east', 'west', ''), fc.constant('bad zone')),
});

export interface InventoryCase {
  readonly format: 'meshc' | 'ansible' | 'none';
  readonly nodes: readonly { name: string; octet: number; role: string; zone: string }[];
}

export const inventoryArb: fc.Arbitrary<InventoryCase> = fc.record({
  format: fc.constantFrom('meshc', 'ansible', 'none'),
  nodes: fc.uniqueArray(nodeArb, { minLength: 1, maxLength: 4, selector: (n) => n.octet }),
});

export function inventoryText(c: InventoryCase): string | undefined {
  const address = (o: number) => `192.168.56.${o}`;
  if (c.format === 'none') return undefined;
  if (c.format === 'meshc') {
    return stringify({ nodes: c.nodes.map((n) => ({ name: n.name, address: address(n.octet), role: n.role, labels: { zone: n.zone } })) });
  }
  const hostvars = Object.fromEntries(c.nodes.map((n) => [n.name, { ansible_host: address(n.octet), meshc_role: n.role, meshc_labels: { zone: n.zone } }]));
  return JSON.stringify({ _meta: { hostvars }, all: { children: ['ungrouped'] }, ungrouped: { hosts: Object.keys(hostvars) } });
}
