/**
 * Port short syntax, exactly as go-connections `nat.ParsePortSpec` reads it
 * (`[[ip:]hostPort:]containerPort[/proto]`). The schema's `ports` format and the
 * normalizer both use it, so a spec the schema accepts is one the normalizer can expand,
 * and error texts are docker's own.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

/** One container port and its host binding, as go-connections' PortMapping. */
export interface PortMapping {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  /** Host IP without brackets; "" when absent. */
  readonly hostIp: string;
  /**
   * Host port as docker keeps it: "" (dynamic), "8080", or a range "8000-8010" when a
   * single container port is bound to a host range (Swarm publishes every port of it).
   */
  readonly hostPort: string;
}

export type PortSpecResult =
  | { readonly ok: true; readonly mappings: readonly PortMapping[] }
  | { readonly ok: false; readonly error: string };

interface Range {
  readonly start: number;
  readonly end: number;
}

/** Parses one short-syntax port spec; the error strings are go-connections' messages. */
export function parsePortSpec(raw: string): PortSpecResult {
  const { ip: rawIp, hostPort, containerPart } = splitParts(raw);
  const [protoRaw, containerPort] = splitProtoPort(containerPart);
  if (containerPort === '') return fail(`no port specified: ${raw}<empty>`);
  const protocol = protoRaw.toLowerCase();
  if (!isProtocol(protocol)) return fail(`invalid proto: ${protocol}`);
  const ip = stripBrackets(rawIp);
  if (typeof ip !== 'string') return ip;
  if (ip !== '' && !isGoIp(ip)) return fail(`invalid IP address: ${ip}`);
  const container = parsePortRange(containerPort);
  if (!container) return fail(`invalid containerPort: ${containerPort}`);
  let host: Range | undefined;
  if (hostPort !== '') {
    host = parsePortRange(hostPort);
    if (!host) return fail(`invalid hostPort: ${hostPort}`);
    const sameLength = container.end - container.start === host.end - host.start;
    if (!sameLength && container.end !== container.start) {
      return fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }
  return { ok: true, mappings: expand(container, host, protocol, ip) };
}

function expand(container: Range, host: Range | undefined, protocol: PortProtocol, hostIp: string): PortMapping[] {
  const count = container.end - container.start + 1;
  const out: PortMapping[] = [];
  for (let i = 0; i < count; i++) {
    let hostPort = '';
    if (host) {
      hostPort = String(host.start + i);
      // go-connections keeps the whole host range when one container port is bound to it.
      if (count === 1 && host.start !== host.end) hostPort += `-${host.end}`;
    }
    out.push({ containerPort: container.start + i, protocol, hostIp, hostPort });
  }
  return out;
}

function fail(error: string): PortSpecResult {
  return { ok: false, error };
}

function isProtocol(p: string): p is PortProtocol {
  return p === 'tcp' || p === 'udp' || p === 'sctp';
}

/** More than three `:` parts: the last two are the ports and the rest is an (IPv6) address. */
function splitParts(raw: string): { ip: string; hostPort: string; containerPart: string } {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return { ip: '', hostPort: '', containerPart: parts[0] ?? '' };
  if (n === 2) return { ip: '', hostPort: parts[0] ?? '', containerPart: parts[1] ?? '' };
  return { ip: parts.slice(0, n - 2).join(':'), hostPort: parts[n - 2] ?? '', containerPart: parts[n - 1] ?? '' };
}

/** Go's strings.Cut on the first "/": anything after a second "/" stays in the protocol. */
function splitProtoPort(raw: string): [string, string] {
  const slash = raw.indexOf('/');
  const port = slash < 0 ? raw : raw.slice(0, slash);
  const proto = slash < 0 ? '' : raw.slice(slash + 1);
  if (port === '') return ['', ''];
  return [proto === '' ? 'tcp' : proto, port];
}

/** `[::1]` → `::1`, as net.SplitHostPort(ip + ":") does. */
function stripBrackets(ip: string): string | PortSpecResult {
  if (!ip.startsWith('[')) return ip;
  const close = ip.indexOf(']');
  if (close < 0) return fail(`invalid IP address ${ip}: address ${ip}:: missing ']' in address`);
  if (close !== ip.length - 1) return fail(`invalid IP address ${ip}: address ${ip}:: unexpected ']' in address`);
  return ip.slice(1, close);
}

/** net.ParseIP: dotted IPv4 without leading zeros, or IPv6 without a zone. */
function isGoIp(ip: string): boolean {
  if (ip.includes('%')) return false;
  return isIPv4(ip) || isIPv6(ip);
}

/** `a` or `a-b` (strings.Cut on the first "-"), each 0–65535; `b < a` is invalid. */
function parsePortRange(ports: string): Range | undefined {
  if (ports === '') return undefined;
  const dash = ports.indexOf('-');
  const start = parsePortNumber(dash < 0 ? ports : ports.slice(0, dash));
  if (start === undefined) return undefined;
  if (dash < 0) return { start, end: start };
  const end = parsePortNumber(ports.slice(dash + 1));
  if (end === undefined || end < start) return undefined;
  return { start, end };
}

/**
 * Decimal digits, leading zeros allowed, no sign: the docker CLI 28 on this machine rejects
 * `+80` (its go-connections parses with strconv.ParseUint), which the differential test checks.
 */
function parsePortNumber(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 0 && n <= 65535 ? n : undefined;
}
