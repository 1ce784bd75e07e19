// Swarm's deploy-time checks (facts §2.4, §3.11, §5.10–13): each with its position and
// its related note, all of a file reported in one run.
import { describe, expect, it } from 'vitest';
import { normalizeYaml } from './testing/run.js';

describe('port checks', () => {
  it('rejects dnsrr with an ingress port (even dynamic) but allows host ports', () => {
    const bad = normalizeYaml('services:\n  a:\n    image: x\n    deploy: {endpoint_mode: dnsrr}\n    ports: ["80"]\n');
    expect(bad.codes).toEqual(['5:13 DNSRR_INGRESS_PORT']);
    expect(bad.items[0]?.message).toContain("EndpointSpec: port published with ingress mode can't be used with dnsrr mode");
    const ok = normalizeYaml('services:\n  a:\n    image: x\n    deploy: {endpoint_mode: dnsrr}\n    ports: [{target: 80, published: 80, mode: host}]\n');
    expect(ok.items).toEqual([]);
  });

  it('rejects a duplicate (published, protocol) within a service, host and ingress together, with a note', () => {
    const r = normalizeYaml(`services:
  a:
    image: x
    ports:
      - "8080:80"
      - target: 81
        published: 8080
        mode: host
      - "8080:80/udp"
      - "81"
      - "82"
`);
    expect(r.codes).toEqual(['7:20 PORT_DUPLICATE']);
    expect(r.items[0]?.message).toContain('EndpointSpec: duplicate published ports provided');
    expect(r.items[0]?.notes).toEqual([{ message: 'first published here', loc: { file: 'stack.yml', line: 5, col: 9 } }]);
  });

  it('rejects an overlapping range within a service', () => {
    expect(normalizeYaml('services:\n  a:\n    image: x\n    ports: ["8000-8002:80", "8002:81"]\n').codes).toEqual(['4:29 PORT_DUPLICATE']);
  });

  it('rejects two services on the same ingress port and ingress vs host; allows host vs host and tcp vs udp', () => {
    const r = normalizeYaml(`services:
  a: {image: x, ports: ["8080:80", {target: 90, published: 9090, mode: host}, {target: 1, published: 7000, mode: host}]}
  b: {image: x, ports: ["8080:80", "9090:90", "8080:80/udp"]}
  c: {image: x, ports: [{target: 1, published: 7000, mode: host}]}
`);
    expect(r.codes).toEqual(['3:25 PORT_CONFLICT', '3:36 PORT_CONFLICT']);
    expect(r.items[0]?.message).toBe("port '8080' (tcp) is already in use by service 'a' as an ingress port");
    expect(r.items[1]?.message).toBe("port '9090' (tcp) is already in use by service 'a' as a host-published port");
    expect(r.items[0]?.notes?.[0]?.loc?.line).toBe(2);
  });

  // Swarm's own ports (PORT_RESERVED) are checked by the planner against the settings in force: plan/reserved-ports.test.ts.

  it('warns, at the port, when an ingress port shadows a service of the node itself; not for host mode or other ports', () => {
    const r = normalizeYaml(
      'services:\n  gate: {image: x, ports: ["22:22", "2222:22", "22:22/udp", {target: 53, published: 53, protocol: udp}]}\n  h: {image: x, ports: [{target: 1, published: 2375, mode: host}]}\n',
    );
    expect(r.items.map((d) => [d.code, d.severity])).toEqual([
      ['PUBLISHED_PORT_SHADOWS_NODE_SERVICE', 'warning'],
      ['PUBLISHED_PORT_SHADOWS_NODE_SERVICE', 'warning'],
    ]);
    // At the short spec, and at the long form's published value.
    expect(r.codes).toEqual(['2:28 PUBLISHED_PORT_SHADOWS_NODE_SERVICE', '2:85 PUBLISHED_PORT_SHADOWS_NODE_SERVICE']);
    expect(r.items[0]!.message).toContain('22/tcp of service "gate" shadows the node\'s own ssh server');
    expect(r.items[1]!.message).toContain('53/udp');
  });

  it('skips dynamic ports (published 0) in duplicate and conflict checks', () => {
    expect(normalizeYaml('services:\n  a: {image: x, ports: ["80", "80"]}\n  b: {image: x, ports: ["80"]}\n').items).toEqual([]);
  });
});

describe('references', () => {
  const stack = (svc: string, top = ''): string => `services:\n  a:\n    image: x\n${svc}${top}`;

  it('reports undefined networks, secrets, configs and named volumes at the reference', () => {
    const r = normalizeYaml(
      stack(
        '    networks: [front, default]\n    secrets: [s1, {source: s2}]\n    configs: [c1]\n    volumes: ["data:/d", "./x:/x", "/abs:/y", {type: volume, source: v2, target: /z}, {type: bind, source: b, target: /b}]\n',
        'networks:\n  back: {}\nsecrets:\n  s1: {file: ./s}\n',
      ),
    );
    expect(r.codes).toEqual(['4:16 UNDEFINED_REFERENCE', '5:28 UNDEFINED_REFERENCE', '6:15 UNDEFINED_REFERENCE', '7:15 UNDEFINED_REFERENCE', '7:70 UNDEFINED_REFERENCE']);
    expect(r.items.map((d) => d.message)).toEqual([
      'undefined network "front"',
      'undefined secret "s2"',
      'undefined config "c1"',
      'undefined volume "data"',
      'undefined volume "v2"',
    ]);
    expect(r.items.map((d) => d.notes?.[0]?.message)).toEqual([
      'declared networks: back',
      'declared secrets: s1',
      'no configs are declared at the top level',
      'no volumes are declared at the top level',
      'no volumes are declared at the top level',
    ]);
  });

  it('accepts declared objects and external networks; map-form networks located at their key', () => {
    const ok = normalizeYaml(stack('    networks:\n      ext:\n        aliases: [w]\n', 'networks:\n  ext: {external: true}\n'));
    expect(ok.items).toEqual([]);
    const bad = normalizeYaml(stack('    networks:\n      nope:\n        aliases: [w]\n'));
    expect(bad.codes).toEqual(['5:7 UNDEFINED_REFERENCE']);
  });

  it.each([
    ['ingress: {external: true}', 'ingress'],
    ['x: {external: {name: ingress}}', 'x'],
    ['x: {external: true, name: ingress}', 'x'],
  ])('rejects explicitly attaching to the ingress network (%s)', (decl, ref) => {
    const r = normalizeYaml(stack(`    networks: [${ref}]\n`, `networks:\n  ${decl}\n`));
    expect(r.items.map((d) => [d.code, d.message])).toEqual([['INGRESS_NETWORK_ATTACHED', 'Service cannot be explicitly attached to the ingress network "ingress"']]);
  });

  it('allows a stack network whose key is ingress (Swarm names it <stack>_ingress)', () => {
    expect(normalizeYaml(stack('    networks: [ingress]\n', 'networks:\n  ingress: {}\n')).items).toEqual([]);
  });
});

describe('one run reports everything', () => {
  it('collects errors from several services and checks', () => {
    const r = normalizeYaml(`services:
  a: {ports: ["8080:80"], deploy: {mode: global, replicas: 1}}
  b: {image: x, ports: ["8080:80", "70000"], networks: [nope]}
`);
    expect(r.codes).toEqual(['2:3 IMAGE_MISSING', '2:50 REPLICAS_WITH_GLOBAL', '3:36 PORT_SPEC_INVALID', '3:57 UNDEFINED_REFERENCE', '3:25 PORT_CONFLICT']);
    expect(r.stack).toBeUndefined();
  });
});
