// normalizeStack end to end on small stacks: canonical shapes and the positions of problems.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeYaml } from './testing/run.js';

describe('normalizeStack: shapes', () => {
  it('sorts services by name and ports as swarm.PortConfig.Compare does', () => {
    const { stack, items } = normalizeYaml(`
services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - 9000/udp
      - target: 443
        published: 8443
      - target: 53
        published: 8080
        protocol: UDP
        mode: host
  api:
    image: api
`);
    expect(items).toEqual([]);
    expect(stack?.services.map((s) => s.name)).toEqual(['api', 'web']);
    const ports = stack?.services[1]?.ports.map((p) => `${p.published}->${p.target}/${p.protocol}/${p.mode}`);
    expect(ports).toEqual(['0->9000/udp/ingress', '8080->53/udp/host', '8080->80/tcp/ingress', '8443->443/tcp/ingress']);
  });

  it('applies deploy defaults: replicated, 1 replica, vip', () => {
    const svc = normalizeYaml('services:\n  a:\n    image: x\n').stack?.services[0];
    expect(svc).toMatchObject({ mode: 'replicated', replicas: 1, endpointMode: 'vip', placement: { constraints: [], spread: [] } });
    expect(svc?.healthcheck).toBeUndefined();
  });

  it('reads global mode, dnsrr (case folded) and replicas', () => {
    const { stack } = normalizeYaml(`
services:
  g: {image: x, deploy: {mode: global, endpoint_mode: DNSRR}}
  r: {image: x, deploy: {replicas: 0}}
`);
    expect(stack?.services[0]).toMatchObject({ mode: 'global', endpointMode: 'dnsrr' });
    expect(stack?.services[0]?.replicas).toBeUndefined();
    expect(stack?.services[1]).toMatchObject({ mode: 'replicated', replicas: 0 });
  });

  it('gives every port the position of its entry (published value for long syntax)', () => {
    const { stack } = normalizeYaml('services:\n  a:\n    image: x\n    ports:\n      - "80:80"\n      - target: 81\n        published: 81\n');
    expect(stack?.services[0]?.ports.map((p) => `${p.loc.line}:${p.loc.col}`)).toEqual(['5:9', '7:20']);
  });
});

describe('normalizeStack: per-service errors with positions', () => {
  it('reports a missing image at the service key', () => {
    expect(normalizeYaml('services:\n  web:\n    deploy: {}\n').codes).toEqual(['2:3 IMAGE_MISSING']);
  });
  it('rejects global with replicas (docker’s message) at the replicas key', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    deploy:\n      mode: global\n      replicas: 2\n');
    expect(r.codes).toEqual(['6:7 REPLICAS_WITH_GLOBAL']);
    expect(r.items[0]?.message).toBe('replicas can only be used with replicated or replicated-job mode');
    expect(r.stack).toBeUndefined();
  });
  it('rejects an unknown deploy mode with docker’s message', () => {
    expect(normalizeYaml(`services:\n  a:\n    image: x\n    deploy:\n      mode: daemon\n`).codes).toEqual(['5:13 DEPLOY_MODE_UNKNOWN']);
  });
  it.each([
    ['replicated-job', 'replicated', 3],
    ['global-job', 'global', undefined],
  ])('accepts deploy.mode %s and meshes it as %s', (mode, as, replicas) => {
    const r = normalizeYaml(`services:\n  a:\n    image: x\n    deploy:\n      mode: ${mode}\n${replicas ? `      replicas: ${replicas}\n` : ''}`);
    expect(r.codes).toEqual([]);
    expect([r.stack?.services[0]?.mode, r.stack?.services[0]?.replicas]).toEqual([as, replicas]);
  });
  it('rejects a job with an update config (swarmkit validateJob)', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    deploy:\n      mode: replicated-job\n      update_config: {parallelism: 1}\n');
    expect(r.codes).toEqual(['6:7 JOB_UPDATE_CONFIG']);
    expect(r.items[0]?.message).toMatch(/^Jobs may not have an update config/);
  });
  it('refuses services whose names differ only in case (Swarm’s name index is case-insensitive)', () => {
    const r = normalizeYaml('services:\n  Web:\n    image: x\n  web:\n    image: x\n');
    expect(r.codes).toEqual(['4:3 SERVICE_NAME_CASE']);
    expect(r.items[0]?.notes?.[0]?.loc?.line).toBe(2);
  });
  it('rejects an unknown endpoint mode with the daemon’s message', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    deploy: {endpoint_mode: ipvs}\n');
    expect(r.items.map((d) => d.message)).toEqual(['invalid resolution mode: "ipvs"']);
  });
  it('warns about protocol and mode strings Swarm turns into tcp/ingress, and compiles that', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    ports:\n      - {target: 80, published: 80, protocol: http, mode: global}\n');
    expect(r.codes).toEqual(['5:47 PORT_PROTOCOL_UNKNOWN', '5:59 PORT_MODE_UNKNOWN']);
    expect(r.items[0]?.message).toContain('Swarm publishes this port as tcp');
    expect(r.items[1]?.message).toContain('Swarm publishes this port in ingress mode');
    expect(r.stack?.services[0]?.ports.map((p) => [p.protocol, p.mode])).toEqual([['tcp', 'ingress']]);
  });
  it.each([
    ['80-82-84', '"-84" after the container port range 80-82', ['80->0/tcp', '81->0/tcp', '82->0/tcp']],
    ['80/tcp/udp', '"/udp" after the protocol', ['80->0/tcp']],
    ['8080-8081-9:80-81', '"-9" after the host port range 8080-8081', ['80->8080/tcp', '81->8081/tcp']],
  ])('warns where go-connections drops part of "%s", and publishes what is left', (spec, part, ports) => {
    const r = normalizeYaml(`services:\n  a:\n    image: x\n    ports: ["${spec}"]\n`);
    expect(r.codes).toEqual(['4:13 PORT_SPEC_REINTERPRETED']);
    expect(r.items[0]?.message).toContain(part);
    expect(r.stack?.services[0]?.ports.map((p) => `${p.target}->${p.published}/${p.protocol}`)).toEqual(ports);
  });
  it('says what docker does with target port 0 (80:0)', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    ports: ["80:0"]\n');
    expect(r.codes).toEqual(['4:13 PORT_OUT_OF_RANGE']);
    expect(r.items[0]?.message).toContain('docker stack config accepts it');
  });
  it('rejects target 0 and ports above 65535', () => {
    const r = normalizeYaml('services:\n  a:\n    image: x\n    ports:\n      - {published: 80}\n      - {target: 80, published: 70000}\n');
    expect(r.codes).toEqual(['5:9 PORT_OUT_OF_RANGE', '6:33 PORT_OUT_OF_RANGE']);
  });
  it('names bad service and network names', () => {
    const r = normalizeYaml('services:\n  web.1:\n    image: x\n    networks: ["bad net"]\nnetworks:\n  "bad net": {}\n  ok: {external: true, name: "any.thing"}\n  "odd.unused": {}\n');
    expect(r.codes).toEqual(['6:3 NAME_INVALID', '2:3 NAME_INVALID']);
    expect(r.items[1]?.message).toMatch(/^invalid service name "web.1": name must be valid as a DNS name component/);
  });
  it('rejects a full service name longer than 63 characters', () => {
    const r = normalizeYaml(`services:\n  ${'s'.repeat(60)}:\n    image: x\n`, 'stack');
    expect(r.items[0]?.message).toContain('63 characters or fewer');
  });
  it.each([
    ['', 'invalid stack name: ""'],
    ['" "', 'invalid stack name: "\\" \\""'],
    ['my.stack', 'DNS name component'],
  ])('rejects stack name %j', (name, text) => {
    const r = normalizeYaml('services:\n  a: {image: x}\n', name);
    expect(r.items[0]?.code).toBe('NAME_INVALID');
    expect(r.items[0]?.message).toContain(text);
  });
});

describe('normalizeStack: determinism', () => {
  it('gives the same ports whatever order the file lists them in', () => {
    const port = fc.record({
      target: fc.integer({ min: 1, max: 5 }),
      published: fc.integer({ min: 0, max: 5 }),
      protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
      mode: fc.constantFrom('ingress', 'host'),
    });
    const stackOf = (ports: readonly object[]): string =>
      `services:\n  a:\n    image: x\n    ports:\n${ports.map((p) => `      - ${JSON.stringify(p)}\n`).join('')}`;
    const shape = (text: string): unknown =>
      normalizeYaml(text).stack?.services[0]?.ports.map((p) => [p.published, p.target, p.protocol, p.mode]);
    fc.assert(
      fc.property(fc.uniqueArray(port, { minLength: 1, maxLength: 8, selector: (p) => `${p.published}/${p.protocol}` }), fc.nat(), (ports, seed) => {
        const shuffled = [...ports].sort((a, b) => ((a.target * 31 + seed) % 7) - ((b.target * 31 + seed) % 7));
        expect(shape(stackOf(shuffled))).toEqual(shape(stackOf(ports)));
        expect(shape(stackOf(ports))).toHaveLength(ports.length);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});
