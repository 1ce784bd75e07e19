import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { allocatePorts, infrastructurePorts } from './allocate-ports.js';
import type { Lock } from './lock.js';
import { svc } from './testing/make.js';
import type { Service } from '../model/stack.js';

function alloc(services: Service[], range: [number, number] = [30000, 32767], locked: Lock['ports'] = {}, reserved: readonly string[] = []) {
  const sink = new DiagnosticSink();
  const result = allocatePorts(services, range, locked, reserved, sink);
  const published = (name: string) => (result?.ports.get(name) ?? []).map((p) => `${p.published}:${p.target}/${p.protocol}${p.dynamic ? '*' : ''}`);
  return { result, sink, published };
}

describe('allocatePorts', () => {
  it('keeps explicit ports and allocates dynamic ones next-fit, services by name', () => {
    const { published, result } = alloc([svc('b', { ports: ['80', '8888:80'] }), svc('a', { ports: ['443'] })].sort((x, y) => (x.name < y.name ? -1 : 1)));
    expect(published('a')).toEqual(['30000:443/tcp*']);
    expect(published('b')).toEqual(['30001:80/tcp*', '8888:80/tcp']);
    expect(result?.lock).toEqual({ a: { '443/tcp': [30000] }, b: { '80/tcp': [30001] } });
  });

  it('uses one space per protocol', () => {
    const { published } = alloc([svc('dns', { ports: ['53/tcp', '53/udp', '53/sctp', '8080:80/tcp', '8080:80/udp'] })]);
    expect(published('dns')).toEqual(['30000:53/tcp*', '30000:53/udp*', '30000:53/sctp*', '8080:80/tcp', '8080:80/udp']);
  });

  it('never hands out a port published explicitly, in either mode', () => {
    const { published } = alloc([svc('a', { ports: ['30000:1', 'host:30001:2'] }), svc('b', { ports: ['3'] })]);
    expect(published('b')).toEqual(['30002:3/tcp*']);
  });

  it("never hands out the cluster's own ports (gossip 7946, VXLAN)", () => {
    // Range 7945-7947 with VXLAN on 7947: tcp may use 7945 and 7947, udp only 7945.
    const { published } = alloc([svc('a', { ports: ['1', '2', '3/udp'] })], [7945, 7947], {}, infrastructurePorts(7947));
    expect(published('a')).toEqual(['7945:1/tcp*', '7947:2/tcp*', '7945:3/udp*']);
    const { sink } = alloc([svc('a', { ports: ['3/udp', '4/udp'] })], [7945, 7947], {}, infrastructurePorts(7947));
    expect(sink.items.map((d) => d.code)).toEqual(['DYNAMIC_PORTS_EXHAUSTED']);
  });

  it('indexes repeated dynamic ports of one target in the lock', () => {
    const { result } = alloc([svc('a', { ports: ['80', '80', '80/udp'] })]);
    expect(result?.lock).toEqual({ a: { '80/tcp': [30000, 30001], '80/udp': [30000] } });
  });

  it('does not allocate host-mode ports', () => {
    const { published, result } = alloc([svc('a', { ports: ['host:80', 'host:8080:80'] })]);
    expect(published('a')).toEqual(['0:80/tcp', '8080:80/tcp']);
    expect(result?.lock).toEqual({});
  });

  it('reports an ingress port used by two services with Swarm wording, host vs host allowed', () => {
    const { sink } = alloc([svc('a', { ports: ['8080:80', 'host:9090:90'] }), svc('b', { ports: ['host:8080:80', '9090:90', 'host:7070:70'] }), svc('c', { ports: ['host:7070:70'] })]);
    expect(sink.items.map((d) => d.message)).toEqual([
      "port '8080' (tcp) is already in use by service 'a' as an ingress port",
      "port '9090' (tcp) is already in use by service 'a' as a host-published port",
    ]);
    expect(sink.items.every((d) => d.code === 'PORT_CONFLICT' && d.notes?.length === 1)).toBe(true);
  });

  it('keeps locked ports, so a new service never moves another', () => {
    const locked = { b: { '80/tcp': [30005] } };
    const { published } = alloc([svc('a', { ports: ['80'] }), svc('b', { ports: ['80'] })], undefined, locked);
    expect(published('b')).toEqual(['30005:80/tcp*']);
    expect(published('a')).toEqual(['30006:80/tcp*']);
  });

  it('reallocates a locked port outside a changed range, with a warning', () => {
    const { published, sink } = alloc([svc('a', { ports: ['80'] })], [40000, 40010], { a: { '80/tcp': [30000] } });
    expect(published('a')).toEqual(['40000:80/tcp*']);
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['LOCK_VALUE_REALLOCATED', 'warning']]);
    expect(sink.items[0]?.message).toContain('30000');
  });

  it('reports exhaustion with needed and free counts', () => {
    const { result, sink } = alloc([svc('a', { ports: ['1', '2', '3', '30001:4'] }), svc('b', { ports: ['5'] })], [30000, 30002]);
    expect(result).toBeUndefined();
    expect(sink.items.map((d) => d.code)).toEqual(['DYNAMIC_PORTS_EXHAUSTED']);
    expect(sink.items[0]?.message).toContain('30000-30002: 4 needed, 2 free');
  });
});
