import { describe, expect, it } from 'vitest';
import { cidrsOverlap, formatIpv4, parseCidr, parseIpv4, usableHosts } from './ipv4.js';

describe('ipv4', () => {
  it('parses canonical dotted quads only', () => {
    expect(parseIpv4('10.0.0.2')).toBe(167772162);
    expect(parseIpv4('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4.5', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeUndefined();
  });

  it('formats what it parses', () => {
    for (const ip of ['0.0.0.0', '10.0.0.2', '172.18.0.1', '255.255.255.255']) expect(formatIpv4(parseIpv4(ip) ?? -1)).toBe(ip);
  });

  it('parses networks and rejects set host bits', () => {
    expect(parseCidr('10.0.0.0/24')).toEqual({ network: 167772160, prefix: 24, size: 256 });
    expect(parseCidr('10.0.0.1/24')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(usableHosts(parseCidr('10.0.0.0/24')!)).toBe(253);
  });

  it('detects overlap both ways', () => {
    expect(cidrsOverlap(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.1.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.0.0/24')!, parseCidr('10.0.1.0/24')!)).toBe(false);
  });
});
