/**
 * Port short syntax, exactly as go-connections v0.5.0 `nat.ParsePortSpec` reads it
 * (`[[ip:]hostPort:]containerPort[/proto]`): the version docker CLI 28.2 vendors
 * (docker/cli v28.2.2 vendor.mod), the CLI this project's differential oracle runs. The schema's `ports` format and the
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
  | { readonly ok: true; readonly mappings: readonly PortMapping[]; readonly dropped: readonly string[] }
  | { readonly ok: false; readonly error: string };

interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * Results by spec: the schema's format check and then normalize parse every short port, so
 * the second parse is a lookup (issue 18). Results are never mutated; the map is emptied
 * when it grows past any real stack, so a long-lived process does not keep every spec.
 */
const parsed = new Map<string, PortSpecResult>();
const MAX_REMEMBERED = 100_000;

/** Parses one short-syntax port spec; the error strings are go-connections' messages. */
export function parsePortSpec(raw: string): PortSpecResult {
  const known = parsed.get(raw);
  if (known) return known;
  if (parsed.size >= MAX_REMEMBERED) parsed.clear();
  const result = parseUncached(raw);
  parsed.set(raw, result);
  return result;
}

function parseUncached(raw: string): PortSpecResult {
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
  return { ok: true, mappings: expand(container, host, protocol, ip), dropped: droppedParts(containerPart, hostPort) };
}

/**
 * The parts go-connections v0.5.0 reads past without a word: SplitProtoPort keeps the
 * second `/` field only (`80/tcp/udp` is tcp), ParsePortRange the first two `-` fields
 * (`80-82-84` is 80-82). Swarm then publishes what was kept; meshc warns and does the same.
 */
function droppedParts(containerPart: string, hostPort: string): string[] {
  // Nearly every spec has one slash at most and no second dash: nothing dropped, nothing to split.
  if (containerPart.indexOf('/') === containerPart.lastIndexOf('/') && !twoDashes(containerPart) && !twoDashes(hostPort)) return [];
  const out: string[] = [];
  const slashes = containerPart.split('/');
  if (slashes.length > 2) out.push(`"/${slashes.slice(2).join('/')}" after the protocol`);
  for (const [what, range] of [['container', slashes[0] ?? ''], ['host', hostPort]] as const) {
    const dashes = range.split('-');
    if (dashes.length > 2) out.push(`"-${dashes.slice(2).join('-')}" after the ${what} port range ${dashes[0]}-${dashes[1]}`);
  }
  return out;
}

function twoDashes(s: string): boolean {
  const first = s.indexOf('-');
  return first >= 0 && s.indexOf('-', first + 1) >= 0;
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

/** go-connections v0.5.0 SplitProtoPort: strings.Split on "/", the second field is the protocol, later ones are dropped. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  const port = parts[0] ?? '';
  if (raw === '' || port === '') return ['', ''];
  const proto = parts[1] ?? '';
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

/** go-connections v0.5.0 ParsePortRange: `a`, or strings.Split on "-" keeping fields 0 and 1; `b < a` is invalid. */
function parsePortRange(ports: string): Range | undefined {
  if (ports === '') return undefined;
  const parts = ports.split('-');
  const start = parsePortNumber(parts[0] ?? '');
  if (start === undefined) return undefined;
  if (parts.length === 1) return { start, end: start };
  const end = parsePortNumber(parts[1] ?? '');
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
