import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { buildPlan } from './build-plan.js';
import type { Lock } from './lock.js';
import { LOCAL_INVENTORY } from '../driver/read-inventory.js';
import { cluster, inventoryOf, stackOf, svc } from './testing/make.js';
import type { Service } from '../model/stack.js';

function run(services: Service[], lock?: Lock, nodes = 3) {
  const sink = new DiagnosticSink();
  const result = buildPlan(stackOf(services, {}, 'seed'), nodes === 0 ? LOCAL_INVENTORY : inventoryOf(cluster(nodes)), { lock }, sink);
  return { result, sink, plan: result?.plan, lock: result?.lock };
}

describe('buildPlan', () => {
  it('plans the seed stack on the default local node as Swarm numbers it', () => {
    const { plan, lock } = run([svc('ngx', { ports: ['8888:80'] })], undefined, 0);
    expect(plan?.nodes).toEqual([{ name: 'local', address: '127.0.0.1', role: 'manager', labels: {}, ingressIp: '10.0.0.2' }]);
    expect(plan?.services).toEqual([
      {
        name: 'ngx',
        fullName: 'seed_ngx',
        fwmark: 256,
        vip: '10.0.0.3',
        endpointMode: 'vip',
        ports: [{ published: 8888, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false }],
        tasks: [{ name: 'seed_ngx.1', slot: 1, node: 'local', ip: '10.0.0.4' }],
        health: null,
      },
    ]);
    expect(lock).toEqual({ version: 1, ports: {}, fwmarks: { ngx: 256 }, ips: { nodes: { local: '10.0.0.2' }, vips: { ngx: '10.0.0.3' }, tasks: { 'seed_ngx.1': '10.0.0.4' } }, placement: { 'seed_ngx.1': 'local' } });
  });

  it('gives services without ingress ports no mark, VIP or task addresses', () => {
    const { plan } = run([svc('worker', { replicas: 2 }), svc('metrics', { global: true, ports: ['host:9100:9100'] })]);
    for (const s of plan?.services ?? []) {
      expect([s.fwmark, s.vip]).toEqual([null, null]);
      expect(s.tasks.every((t) => t.ip === null)).toBe(true);
    }
  });

  it('frees the entries of a removed service and of removed replicas, keeping the rest', () => {
    const first = run([svc('a', { replicas: 3, ports: ['80'] }), svc('b', { ports: ['81'] })]).lock;
    const second = run([svc('a', { replicas: 1, ports: ['80'] })], first).lock;
    expect(second?.fwmarks).toEqual({ a: first?.fwmarks['a'] });
    expect(second?.ports).toEqual({ a: first?.ports['a'] });
    expect(Object.keys(second?.ips.tasks ?? {})).toEqual(['seed_a.1']);
    expect(second?.ips.tasks['seed_a.1']).toBe(first?.ips.tasks['seed_a.1']);
    expect(second?.ips.vips).toEqual({ a: first?.ips.vips['a'] });
  });

  it('keeps existing replicas when scaling up', () => {
    const first = run([svc('a', { replicas: 2, ports: ['80'] })]);
    const second = run([svc('a', { replicas: 4, ports: ['80'] })], first.lock);
    const ips = (r: typeof first) => r.plan?.services[0]?.tasks.map((t) => t.ip) ?? [];
    expect(ips(second).slice(0, 2)).toEqual(ips(first));
    expect(new Set(ips(second)).size).toBe(4);
  });

  it('lets command-line settings override the inventory and the stack', () => {
    const sink = new DiagnosticSink();
    const stack = stackOf([svc('a', { ports: ['80'] })], { dynamicPortRange: [31000, 31010], ingressSubnet: '10.1.0.0/24' });
    const inventory = inventoryOf(cluster(1), { ingressSubnet: '10.2.0.0/24' });
    const plan = buildPlan(stack, inventory, { settings: { ingressSubnet: '10.3.0.0/24' } }, sink)?.plan;
    expect(plan?.settings.ingressSubnet).toBe('10.3.0.0/24');
    expect(plan?.nodes[0]?.ingressIp).toBe('10.3.0.2');
    expect(plan?.services[0]?.ports[0]?.published).toBe(31000);
  });

  it('reports every allocation problem of one compile together, and returns nothing', () => {
    const sink = new DiagnosticSink();
    const services = [svc('a', { replicas: 9, ports: ['80', '81'] }), svc('b', { ports: ['8080:80'] }), svc('c', { ports: ['8080:80'] })];
    const stack = stackOf(services, { dynamicPortRange: [30000, 30000], ingressSubnet: '10.0.0.0/29' });
    expect(buildPlan(stack, inventoryOf(cluster(2)), {}, sink)).toBeUndefined();
    expect(sink.items.map((d) => d.code).sort()).toEqual(['DYNAMIC_PORTS_EXHAUSTED', 'INGRESS_SUBNET_EXHAUSTED', 'PORT_CONFLICT']);
  });
});
