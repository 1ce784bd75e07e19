import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { allocateAddresses, type IngressMember } from './allocate-addresses.js';
import { allocateFwmarks } from './allocate-fwmarks.js';
import { EMPTY_LOCK, type Lock } from './lock.js';
import { cluster, svc } from './testing/make.js';

const member = (name: string, replicas: number): IngressMember => ({
  service: svc(name, { replicas, ports: ['80'] }),
  tasks: Array.from({ length: replicas }, (_, i) => ({ name: `st_${name}.${i + 1}`, slot: i + 1, node: 'node1' })),
});

describe('allocateAddresses', () => {
  it('hands out nodes, then each service VIP and its tasks, from .2', () => {
    const ips = allocateAddresses('10.0.0.0/24', cluster(2), [member('a', 2), member('b', 1)], EMPTY_LOCK.ips, undefined, new DiagnosticSink());
    expect(ips).toEqual({
      nodes: { node1: '10.0.0.2', node2: '10.0.0.3' },
      vips: { a: '10.0.0.4', b: '10.0.0.7' },
      tasks: { 'st_a.1': '10.0.0.5', 'st_a.2': '10.0.0.6', 'st_b.1': '10.0.0.8' },
    });
  });

  it('uses the whole subnet but never network, gateway or broadcast', () => {
    // A /29 has 5 usable addresses: node + VIP + 3 tasks fit exactly, one more task does not.
    const ips = allocateAddresses('10.0.0.0/29', cluster(1), [member('a', 3)], EMPTY_LOCK.ips, undefined, new DiagnosticSink());
    const all = Object.values(ips ?? EMPTY_LOCK.ips).flatMap((m) => Object.values(m));
    expect(all.sort()).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(allocateAddresses('10.0.0.0/29', cluster(1), [member('a', 4)], EMPTY_LOCK.ips, undefined, new DiagnosticSink())).toBeUndefined();
  });

  it('reports exhaustion, suggesting a subnet that fits', () => {
    const sink = new DiagnosticSink();
    expect(allocateAddresses('10.0.0.0/24', cluster(3), [member('a', 300)], EMPTY_LOCK.ips, undefined, sink)).toBeUndefined();
    expect(sink.items.map((d) => d.code)).toEqual(['INGRESS_SUBNET_EXHAUSTED']);
    expect(sink.items[0]?.message).toContain('304 addresses needed');
    expect(sink.items[0]?.message).toContain('253 free');
    expect(sink.items[0]?.message).toContain('10.0.0.0/23');
  });

  it('keeps locked addresses and reallocates those outside a changed subnet', () => {
    const locked: Lock['ips'] = { nodes: { node1: '10.0.0.9' }, vips: { a: '10.0.1.7' }, tasks: { 'st_a.1': '10.0.0.3' } };
    const sink = new DiagnosticSink();
    const ips = allocateAddresses('10.0.0.0/24', cluster(1), [member('a', 2)], locked, undefined, sink);
    expect(ips).toEqual({ nodes: { node1: '10.0.0.9' }, vips: { a: '10.0.0.10' }, tasks: { 'st_a.1': '10.0.0.3', 'st_a.2': '10.0.0.11' } });
    expect(sink.items.map((d) => d.code)).toEqual(['LOCK_VALUE_REALLOCATED']);
    expect(sink.items[0]?.message).toContain("VIP of service 'a'");
  });
});

describe('allocateFwmarks', () => {
  it('numbers services from the base in order and keeps locked marks', () => {
    const services = ['a', 'b', 'c'].map((n) => svc(n));
    expect(allocateFwmarks(services, 256, {}, undefined, new DiagnosticSink())).toEqual({ a: 256, b: 257, c: 258 });
    expect(allocateFwmarks(services, 256, { b: 256 }, undefined, new DiagnosticSink())).toEqual({ a: 257, b: 256, c: 258 });
  });

  it('reallocates a mark below a raised base, with a warning', () => {
    const sink = new DiagnosticSink();
    expect(allocateFwmarks([svc('a')], 1000, { a: 256 }, undefined, sink)).toEqual({ a: 1000 });
    expect(sink.items.map((d) => d.severity)).toEqual(['warning']);
  });

  it('reports an exhausted mark space', () => {
    const sink = new DiagnosticSink();
    expect(allocateFwmarks([svc('a'), svc('b')], 2 ** 32 - 1, {}, undefined, sink)).toBeUndefined();
    expect(sink.items[0]?.code).toBe('FWMARK_POOL_EXHAUSTED');
  });
});
