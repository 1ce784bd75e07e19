// x-meshc extensions: strict checks, unknown keys are errors at the key.
import { describe, expect, it } from 'vitest';
import { normalizeYaml } from './testing/run.js';

const svc = (x: string): string => `services:\n  a:\n    image: x\n    x-meshc:\n${x}`;

describe('service x-meshc.health', () => {
  it('reads tcp and http probes with defaults', () => {
    expect(normalizeYaml(svc('      health: {tcp: {}}\n')).stack?.services[0]?.probe).toMatchObject({ kind: 'tcp' });
    expect(normalizeYaml(svc('      health: {tcp: {port: 8080}}\n')).stack?.services[0]?.probe).toMatchObject({ kind: 'tcp', port: 8080 });
    expect(normalizeYaml(svc('      health: {http: {path: /healthz}}\n')).stack?.services[0]?.probe).toMatchObject({
      kind: 'http',
      path: '/healthz',
      status: 200,
    });
  });

  it.each([
    ['      health: {tcp: {port: 0}}\n', '5:22', 'x-meshc.health.tcp.port must be an integer from 1 to 65535'],
    ['      health: {http: {port: 80}}\n', '5:16', 'x-meshc.health.http.path is required'],
    ['      health: {http: {path: healthz}}\n', '5:23', 'x-meshc.health.http.path must be a string starting with /'],
    ['      health: {http: {path: /, status: 42}}\n', '5:32', 'x-meshc.health.http.status must be an integer from 100 to 599'],
    ['      health: {tcp: {}, http: {path: /}}\n', '5:15', 'x-meshc.health must have exactly one of tcp or http'],
    ['      health: {udp: {}}\n', '5:15', 'x-meshc.health must have exactly one of tcp or http'],
    ['      helth: {tcp: {}}\n', '5:7', 'x-meshc.helth is not a known key'],
    ['      health: {tcp: {prot: 1}}\n', '5:22', 'x-meshc.health.tcp.prot is not a known key'],
  ])('rejects %j', (x, at, message) => {
    const r = normalizeYaml(svc(x));
    expect(r.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code} ${d.message}`)).toContain(`${at} X_MESHC_INVALID ${message}`);
  });
});

describe('service x-meshc.client_ip', () => {
  it('reads preserve with the position of its key, beside a health check or alone', () => {
    expect(normalizeYaml(svc('      client_ip: preserve\n')).stack?.services[0]?.clientIp).toEqual({ mode: 'preserve', loc: expect.objectContaining({ line: 5, col: 7 }) });
    const both = normalizeYaml(svc('      health: {tcp: {}}\n      client_ip: preserve\n')).stack?.services[0];
    expect([both?.probe?.kind, both?.clientIp?.mode]).toEqual(['tcp', 'preserve']);
    expect(normalizeYaml(svc('      health: {tcp: {}}\n')).stack?.services[0]?.clientIp).toBeUndefined();
  });

  it.each([['keep'], ['true'], ['{mode: preserve}']])('rejects client_ip: %s at the key', (value) => {
    const r = normalizeYaml(svc(`      client_ip: ${value}\n`));
    expect(r.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code} ${d.message}`)).toEqual([
      "5:7 X_MESHC_INVALID x-meshc.client_ip must be preserve (the only mode; leave it out for Swarm's SNAT)",
    ]);
    expect(r.stack?.services[0]?.clientIp).toBeUndefined();
  });
});

describe('top-level x-meshc settings', () => {
  it('maps snake_case keys to StackSettings', () => {
    const s = normalizeYaml(
      'x-meshc:\n  ingress_subnet: 10.1.0.0/24\n  gateway_subnet: 172.30.0.0/16\n  vni: 5000\n  vxlan_port: 4790\n  fwmark_base: 1000\n  dynamic_port_range: [31000, 31999]\nservices: {}\n',
    ).stack?.settings;
    expect(s).toMatchObject({
      ingressSubnet: '10.1.0.0/24',
      gatewaySubnet: '172.30.0.0/16',
      vni: 5000,
      vxlanPort: 4790,
      fwmarkBase: 1000,
      dynamicPortRange: [31000, 31999],
      loc: { line: 1, col: 1 },
    });
  });

  it('reports unknown keys and bad values, all of them', () => {
    const r = normalizeYaml('x-meshc:\n  ingres_subnet: 10.0.0.0/24\n  vni: 0\n  dynamic_port_range: [32000, 31000]\n  gateway_subnet: 10.0.0.0/33\nservices: {}\n');
    expect(r.codes).toEqual(['2:3 X_MESHC_INVALID', '3:3 X_MESHC_INVALID', '4:3 X_MESHC_INVALID', '5:3 X_MESHC_INVALID']);
  });

  it('is empty when absent', () => {
    expect(normalizeYaml('services: {}\n').stack?.settings).toEqual({});
  });
});
