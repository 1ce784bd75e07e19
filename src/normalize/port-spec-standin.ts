/**
 * Stand-in for `src/validate/port-spec.ts` (owned by the reader stage) until it lands:
 * go-connections `nat.ParsePortSpec`, same interface, docker's error texts. Delete when
 * the real module exists (see /tmp/h1b-needs.md).
 */
import { isIP } from 'node:net';

export interface PortMapping {
  readonly hostIp: string;
  /** '' (none: dynamic), 'N', or 'A-B' when one container port takes a host range. */
  readonly hostPort: string;
  readonly containerPort: string;
  readonly proto: string;
}
export type PortSpecResult = { ok: true; mappings: PortMapping[] } | { ok: false; error: string };

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  if (parts.length === 1) return ['', '', parts[0]!];
  if (parts.length === 2) return ['', parts[0]!, parts[1]!];
  const n = parts.length;
  return [parts.slice(0, n - 2).join(':'), parts[n - 2]!, parts[n - 1]!];
}

// strconv.ParseInt(s, 10, 0): optional sign, decimal digits; then 0–65535.
function portNumber(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 0 && n <= 65535 ? n : undefined;
}

function portRange(s: string): [number, number] | undefined {
  const dash = s.indexOf('-');
  const start = portNumber(dash < 0 ? s : s.slice(0, dash));
  if (start === undefined) return undefined;
  if (dash < 0) return [start, start];
  const end = portNumber(s.slice(dash + 1));
  return end === undefined || end < start ? undefined : [start, end];
}

function checkIp(ip: string): string | { error: string } {
  let bare = ip;
  if (bare.startsWith('[')) {
    if (!bare.endsWith(']')) return { error: `invalid IP address ${ip}: address ${ip}:: missing ']' in address` };
    bare = bare.slice(1, -1);
  }
  if (bare !== '' && (isIP(bare) === 0 || bare.includes('%'))) return { error: `invalid IP address: ${bare}` };
  return bare;
}

export function parsePortSpec(raw: string): PortSpecResult {
  const [ipPart, hostPort, rest] = splitParts(raw);
  const slash = rest.indexOf('/');
  const containerPort = slash < 0 ? rest : rest.slice(0, slash);
  if (containerPort === '') return { ok: false, error: `no port specified: ${raw}<empty>` };
  const proto = (slash < 0 || rest.slice(slash + 1) === '' ? 'tcp' : rest.slice(slash + 1)).toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) return { ok: false, error: `invalid proto: ${proto}` };
  const ip = checkIp(ipPart);
  if (typeof ip !== 'string') return { ok: false, error: ip.error };
  const c = portRange(containerPort);
  if (!c) return { ok: false, error: `invalid containerPort: ${containerPort}` };
  const h = hostPort === '' ? [0, 0] : portRange(hostPort);
  if (!h) return { ok: false, error: `invalid hostPort: ${hostPort}` };
  if (hostPort !== '' && c[1] - c[0] !== h[1]! - h[0]! && c[1] !== c[0]) {
    return { ok: false, error: `invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}` };
  }
  const count = c[1] - c[0] + 1;
  const mappings: PortMapping[] = [];
  for (let i = 0; i < count; i++) {
    let hp = hostPort === '' ? '' : String(h[0]! + i);
    if (hostPort !== '' && count === 1 && h[0] !== h[1]) hp += `-${h[1]}`;
    mappings.push({ hostIp: ip, hostPort: hp, containerPort: String(c[0] + i), proto });
  }
  return { ok: true, mappings };
}
