import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePortSpec, type PortMapping } from './port-spec.js';

function mappings(raw: string): readonly PortMapping[] {
  const r = parsePortSpec(raw);
  if (!r.ok) throw new Error(`expected ${raw} to parse, got: ${r.error}`);
  return r.mappings;
}
function error(raw: string): string {
  const r = parsePortSpec(raw);
  return r.ok ? 'ok' : r.error;
}
const short = (m: readonly PortMapping[]) => m.map((p) => `${p.hostIp}|${p.hostPort}|${p.containerPort}/${p.protocol}`);

describe('parsePortSpec: docker/cli schema test vectors', () => {
  it.each(['8000', '8000:8000', '8001-8005', '8001-8005:8001-8005', '8000-9000:80', '[::1]:8080:8000',
    '[::1]:8080-8085:8000', '127.0.0.1:8000:8000', '127.0.0.1:8000-8005:8000-8005', '127.0.0.1:8000:8000/udp', '8000:8000/udp'])(
    'accepts %s', (raw) => expect(parsePortSpec(raw).ok).toBe(true));
  it.each(['8000:8000/http', '-1', '65536', '-1:65536/http', 'invalid', '12345678:8000:8000/tcp', '8005-8000:8005-8000', '8006-8000:8005-8000'])(
    'rejects %s', (raw) => expect(parsePortSpec(raw).ok).toBe(false));
});

describe('parsePortSpec: expansion', () => {
  it('expands equal ranges pairwise', () => {
    expect(short(mappings('9090-9091:8080-8081'))).toEqual(['|9090|8080/tcp', '|9091|8081/tcp']);
  });
  it('keeps a host range for a single container port', () => {
    expect(short(mappings('8000-8010:80'))).toEqual(['|8000-8010|80/tcp']);
  });
  it('container-only range is dynamic', () => {
    expect(short(mappings('3001-3003'))).toEqual(['||3001/tcp', '||3002/tcp', '||3003/tcp']);
  });
  it('folds protocol case and defaults an empty protocol to tcp', () => {
    expect(short(mappings('53:53/UDP'))).toEqual(['|53|53/udp']);
    expect(short(mappings('80/'))).toEqual(['||80/tcp']);
    expect(short(mappings('80/sctp'))).toEqual(['||80/sctp']);
  });
  it('accepts leading zeros but no sign, like the docker CLI on this machine (ParseUint)', () => {
    expect(short(mappings('0123:080'))).toEqual(['|123|80/tcp']);
    expect(parsePortSpec('+80').ok).toBe(false);
  });
  it('reads IPv6 hosts: brackets, and the last-two-parts rule', () => {
    expect(short(mappings('::1:80:80'))).toEqual(['::1|80|80/tcp']);
    expect(short(mappings('2001:4860:0:2001::68::333'))).toEqual(['2001:4860:0:2001::68||333/tcp']);
    expect(short(mappings('[2001:4860:0:2001::68]::333'))).toEqual(['2001:4860:0:2001::68||333/tcp']);
    expect(short(mappings('127.0.0.1::80'))).toEqual(['127.0.0.1||80/tcp']);
  });
  it('a-a is a single port', () => {
    expect(short(mappings('80-80:90-90'))).toEqual(['|80|90/tcp']);
  });
});

describe('parsePortSpec: docker error messages', () => {
  it.each([
    ['', 'no port specified: <empty>'],
    ['80:', 'no port specified: 80:<empty>'],
    ['/tcp', 'no port specified: /tcp<empty>'],
    ['8000:8000/http', 'invalid proto: http'],
    ['localhost:1234:1234/tcp', 'invalid IP address: localhost'],
    ['01.2.3.4:80:80', 'invalid IP address: 01.2.3.4'],
    ['fe80::1%eth0:80:80', 'invalid IP address: fe80::1%eth0'],
    ['65536', 'invalid containerPort: 65536'],
    ['-1', 'invalid containerPort: -1'],
    ['99999:80', 'invalid hostPort: 99999'],
    ['8005-8000:8005-8000', 'invalid containerPort: 8005-8000'],
    ['8000-7000:80', 'invalid hostPort: 8000-7000'],
    ['8000-8002:90-91', 'invalid ranges specified for container and host Ports: 90-91 and 8000-8002'],
    ['[::1:80:80', "invalid IP address [::1: address [::1:: missing ']' in address"],
  ])('%j → %s', (raw, msg) => expect(error(raw)).toBe(msg));
});

describe('parsePortSpec: properties', () => {
  it('never throws, and answers either mappings or a message', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789:-/[].abtcpud '.split('')), maxLength: 24 }), (raw) => {
        const r = parsePortSpec(raw);
        return r.ok ? r.mappings.length > 0 : r.error.length > 0;
      }),
    );
  });
  it('equal-length ranges map pairwise, in order', () => {
    const spec = fc.record({ host: fc.integer({ min: 0, max: 65000 }), cont: fc.integer({ min: 0, max: 65000 }), len: fc.integer({ min: 0, max: 30 }), proto: fc.constantFrom('tcp', 'udp', 'sctp') });
    fc.assert(
      fc.property(spec, ({ host, cont, len, proto }) => {
        const r = parsePortSpec(`${host}-${host + len}:${cont}-${cont + len}/${proto}`);
        if (!r.ok) return false;
        return r.mappings.length === len + 1 && r.mappings.every((m, i) => m.containerPort === cont + i && m.hostPort === String(host + i) && m.protocol === proto);
      }),
    );
  });
});
