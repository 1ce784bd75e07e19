/**
 * IPv4 arithmetic for the ingress and host-bridge subnets. Addresses are handled as
 * unsigned 32-bit numbers so allocators can use plain integer sets; meshc's mesh is
 * IPv4 only, as Swarm's ingress is.
 */

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly network: number;
  readonly prefix: number;
  /** Number of addresses, network and broadcast included. */
  readonly size: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** `10.0.0.2` → 167772162; undefined for anything but a canonical dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  // `>>>` reads the number as an unsigned 32-bit integer, which every address is; one
  // template instead of an array per call (the planner formats every VIP and task address).
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** `10.0.0.0/24`; undefined when malformed or when host bits are set (Docker rejects those too). */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text);
  if (!match) return undefined;
  const network = parseIpv4(match[1] ?? '');
  const prefix = Number(match[2]);
  if (network === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (network % size !== 0) return undefined;
  return { network, prefix, size };
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return address >= cidr.network && address < cidr.network + cidr.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** Addresses a subnet can hand out: all but network, gateway (.1) and broadcast. */
export function usableHosts(cidr: Cidr): number {
  return Math.max(0, cidr.size - 3);
}
