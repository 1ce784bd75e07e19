/**
 * Short port syntax → the loader's port list: go-connections parses, then
 * `toServicePortConfigs` sorts the container-port keys as strings and
 * `ConvertPortToPortConfig` emits one ingress port per host port of the binding's range
 * (so `8000-8010:80` is eleven published ports, not "one of").
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import { parsePortSpec, type PortMapping } from '../validate/port-spec.js';
import type { LoosePort } from './ports.js';

// IPs docker does not warn about: they already mean "every address".
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::']);

/** The loosely typed ports of one short-syntax entry; undefined (and an error) when it does not parse. */
export function expandShortPort(raw: string, loc: SourceLoc, sink: DiagnosticSink): LoosePort[] | undefined {
  const parsed = parsePortSpec(raw);
  if (!parsed.ok) {
    sink.report(diag('PORT_SPEC_INVALID', loc, raw, parsed.error));
    return undefined;
  }
  for (const part of parsed.dropped) sink.report(diag('PORT_SPEC_REINTERPRETED', loc, raw, part));
  // Nearly every spec is one port: nothing to group or sort.
  const [only] = parsed.mappings;
  if (parsed.mappings.length === 1 && only) return bindingPorts(`${only.containerPort}/${only.protocol}`, only, loc, sink);
  const byKey = new Map<string, PortMapping[]>();
  for (const m of parsed.mappings) {
    const key = `${m.containerPort}/${m.protocol}`;
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  const keys = [...byKey.keys()].sort();
  return keys.flatMap((key) => byKey.get(key)!.flatMap((m) => bindingPorts(key, m, loc, sink)));
}

function bindingPorts(key: string, m: PortMapping, loc: SourceLoc, sink: DiagnosticSink): LoosePort[] {
  // docker prints net.JoinHostPort(ip, hostPort:port/proto): IPv6 in brackets.
  const ip = m.hostIp.includes(':') ? `[${m.hostIp}]` : m.hostIp;
  if (!ANY_ADDRESS.has(m.hostIp)) sink.report(diag('PORT_HOST_IP_IGNORED', loc, `${ip}:${m.hostPort}:${key}`));
  const [target, protocol] = [Number(m.containerPort), m.protocol];
  if (m.hostPort === '') return [{ target, protocol, mode: 'ingress', loc, published: 0 }];
  const dash = m.hostPort.indexOf('-');
  const start = Number(dash < 0 ? m.hostPort : m.hostPort.slice(0, dash));
  const end = dash < 0 ? start : Number(m.hostPort.slice(dash + 1));
  const out: LoosePort[] = [];
  for (let p = start; p <= end; p++) out.push({ target, protocol, mode: 'ingress', loc, published: p });
  return out;
}
