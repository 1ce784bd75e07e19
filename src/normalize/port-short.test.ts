// Short-syntax expansion: every vector of the short syntax (docs/architecture.md, «Swarm's behaviour») (docker/cli loader tests, schema
// TestValidatePorts, opts/swarmopts port tests), IPv6 forms and docker's exact errors.
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { expandShortPort } from './port-short.js';

const loc = { file: 'stack.yml', line: 3, col: 9 };

function expand(raw: string): { ports: string[] | undefined; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  const out = expandShortPort(raw, loc, sink);
  return { ports: out?.map((p) => `${p.published}->${p.target}/${p.protocol} ${p.mode}`), sink };
}

describe('expandShortPort: docker vectors', () => {
  const cases: [string, string[]][] = [
    ['3000', ['0->3000/tcp ingress']],
    ['3001-3005', ['0->3001/tcp ingress', '0->3002/tcp ingress', '0->3003/tcp ingress', '0->3004/tcp ingress', '0->3005/tcp ingress']],
    ['8000:8000', ['8000->8000/tcp ingress']],
    ['9090-9091:8080-8081', ['9090->8080/tcp ingress', '9091->8081/tcp ingress']],
    ['49100:22', ['49100->22/tcp ingress']],
    ['127.0.0.1:8001:8001', ['8001->8001/tcp ingress']],
    ['80-82:8080-8082', ['80->8080/tcp ingress', '81->8081/tcp ingress', '82->8082/tcp ingress']],
    ['90-92:8090-8092/udp', ['90->8090/udp ingress', '91->8091/udp ingress', '92->8092/udp ingress']],
    ['85:8500', ['85->8500/tcp ingress']],
    ['80-82:8080/udp', ['80->8080/udp ingress', '81->8080/udp ingress', '82->8080/udp ingress']],
    ['8000:8000/UDP', ['8000->8000/udp ingress']],
    ['8000:8000/sctp', ['8000->8000/sctp ingress']],
    ['80/', ['0->80/tcp ingress']],
    ['0123:80', ['123->80/tcp ingress']],
    ['0:80', ['0->80/tcp ingress']],
    ['::80', ['0->80/tcp ingress']],
    ['[::1]:8080:8000', ['8080->8000/tcp ingress']],
    ['[::1]:8080-8082:8000', ['8080->8000/tcp ingress', '8081->8000/tcp ingress', '8082->8000/tcp ingress']],
    ['::1:80:80', ['80->80/tcp ingress']],
    ['2001:4860:0:2001::68::333', ['0->333/tcp ingress']],
    ['[2001:4860:0:2001::68]::333', ['0->333/tcp ingress']],
    ['0.0.0.0:80:80', ['80->80/tcp ingress']],
  ];
  it.each(cases)('%s', (raw, expected) => {
    expect(expand(raw).ports).toEqual(expected);
  });

  it('sorts container ports as strings before expansion, as toServicePortConfigs does', () => {
    expect(expand('98-101').ports).toEqual(['0->100/tcp ingress', '0->101/tcp ingress', '0->98/tcp ingress', '0->99/tcp ingress']);
  });

  it('expands 127.0.0.1:5000-5010:5000-5010 one to one (11 ports)', () => {
    const { ports } = expand('127.0.0.1:5000-5010:5000-5010');
    expect(ports).toHaveLength(11);
    expect(ports?.[10]).toBe('5010->5010/tcp ingress');
  });

  it('expands a host range with one container port into N ingress ports (8000-8010:80 → 11)', () => {
    const { ports } = expand('8000-8010:80');
    expect(ports).toHaveLength(11);
    expect(new Set(ports?.map((p) => p.split('->')[1]))).toEqual(new Set(['80/tcp ingress']));
  });
});

describe('expandShortPort: host IPs', () => {
  it('drops a host IP with docker’s warning, once per binding', () => {
    const { sink } = expand('127.0.0.1:8000-8002:80');
    expect(sink.items.map((d) => [d.code, d.severity, d.message])).toEqual([
      ['PORT_HOST_IP_IGNORED', 'warning', expect.stringContaining("ignoring IP-address (127.0.0.1:8000-8002:80/tcp) service will listen on '0.0.0.0'")],
    ]);
    expect(sink.items[0]?.loc).toEqual(loc);
  });
  it.each(['0.0.0.0:80:80', '[::]:80:80', '80:80'])('no warning for %s', (raw) => {
    expect(expand(raw).sink.items).toEqual([]);
  });
  it('warns for an IPv6 host', () => {
    expect(expand('[::1]:8080:8000').sink.items[0]?.message).toContain('([::1]:8080:8000/tcp)');
    expect(expand('127.0.0.1::83').sink.items[0]?.message).toContain('(127.0.0.1::83/tcp)');
  });
});

describe('expandShortPort: errors (docker’s texts)', () => {
  const cases: [string, string][] = [
    ['8000:8000/http', 'invalid proto: http'],
    ['-1', 'invalid containerPort: -1'],
    ['65536', 'invalid containerPort: 65536'],
    ['invalid', 'invalid containerPort: invalid'],
    ['12345678:8000:8000/tcp', 'invalid IP address: 12345678'],
    ['localhost:1234:1234/tcp', 'invalid IP address: localhost'],
    ['8005-8000:8005-8000', 'invalid containerPort: 8005-8000'],
    ['8006-8000:8005-8000', 'invalid containerPort: 8005-8000'],
    ['8000-8001:8000-8002', 'invalid ranges specified for container and host Ports: 8000-8002 and 8000-8001'],
    ['', 'no port specified: <empty>'],
    ['80:', 'no port specified: 80:<empty>'],
    ['65536:80', 'invalid hostPort: 65536'],
  ];
  it.each(cases)('%s → %s', (raw, error) => {
    const { ports, sink } = expand(raw);
    expect(ports).toBeUndefined();
    expect(sink.items).toHaveLength(1);
    expect(sink.items[0]).toMatchObject({ code: 'PORT_SPEC_INVALID', severity: 'error', loc });
    expect(sink.items[0]?.message).toBe(`invalid port "${raw}": ${error}`);
  });
});
