/** Issue 13 items 9 and 16: counts are checked by arithmetic before any task is built, with a position. */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { buildPlan } from './build-plan.js';
import { MAX_TASKS } from './check-capacity.js';
import { cluster, inventoryOf, stackOf, svc } from './testing/make.js';

function plan(services: Parameters<typeof stackOf>[0], nodes = 3) {
  const sink = new DiagnosticSink();
  const started = Date.now();
  const result = buildPlan(stackOf(services), inventoryOf(cluster(nodes)), {}, sink);
  return { result, sink, ms: Date.now() - started, codes: sink.items.map((d) => d.code) };
}

describe('checkCapacity', () => {
  it('answers replicas: 50000000 at once, at the service', () => {
    const { result, sink, ms, codes } = plan([svc('w', { replicas: 50_000_000 })]);
    expect(result).toBeUndefined();
    expect(codes).toEqual(['TASKS_TOO_MANY']);
    expect(sink.items[0]?.loc).toBeDefined();
    expect(ms).toBeLessThan(500);
  });

  it(`allows exactly ${MAX_TASKS} tasks' worth of count before refusing`, () => {
    expect(plan([svc('a', { replicas: MAX_TASKS - 3 }), svc('g', { global: true })]).codes).not.toContain('TASKS_TOO_MANY');
    expect(plan([svc('a', { replicas: MAX_TASKS - 2 }), svc('g', { global: true })]).codes).toEqual(['TASKS_TOO_MANY']);
  });

  it('refuses an ingress subnet too small by count, positioned at the service when the subnet is the default', () => {
    const { result, sink, ms, codes } = plan([svc('w', { replicas: 90_000, ports: ['80:80'] })]);
    expect(result).toBeUndefined();
    expect(codes).toEqual(['INGRESS_SUBNET_EXHAUSTED']);
    expect(sink.items[0]?.message).toContain('90004 addresses needed');
    expect(sink.items[0]?.loc).toEqual({ file: 'stack.yml', line: 1, col: 1 });
    expect(ms).toBeLessThan(5000);
  });

  it('still plans what fits', () => {
    expect(plan([svc('w', { replicas: 200, ports: ['80:80'] })]).result).toBeDefined();
  });
});

describe('positions and names in settings diagnostics (item 16)', () => {
  it('a gateway_subnet written over the default ingress subnet names gateway_subnet', () => {
    const sink = new DiagnosticSink();
    const inv = { ...inventoryOf(cluster(1), { gatewaySubnet: '10.0.0.0/16' }), settingLocs: { gatewaySubnet: { file: 'inventory.yml', line: 3, col: 5 } } };
    buildPlan(stackOf([svc('w')]), inv, {}, sink);
    expect(sink.items.map((d) => [d.code, d.message.split(' ')[0], d.loc?.line])).toEqual([['SETTING_INVALID', 'gateway_subnet', 3]]);
  });

  it('the subnet note of NODE_ADDRESS_IN_SUBNET does not say "here" without a position', () => {
    const sink = new DiagnosticSink();
    const nodes = cluster(2).map((n, i) => (i === 1 ? { ...n, address: '10.0.0.9' } : n));
    buildPlan(stackOf([svc('w')]), inventoryOf(nodes), {}, sink);
    const note = sink.items.find((d) => d.code === 'NODE_ADDRESS_IN_SUBNET')?.notes?.[0];
    expect(note?.loc).toBeUndefined();
    expect(note?.message).toBe('ingress_subnet is 10.0.0.0/24, the default or --ingress-subnet');
  });
});
