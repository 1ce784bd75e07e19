/**
 * Diff of two ipvs.rules files (ipvsadm commands): virtual services keyed by their
 * address (`-f <fwmark>`, `-t`/`-u`/`--sctp-service`), real servers keyed by
 * (service, address). A changed weight or method shows as the old line removed and
 * the new one added under its service.
 */
interface Service {
  readonly options: string;
  readonly reals: Map<string, string>;
}

/** Report lines (indented by `indent`), empty when both files define the same IPVS table. */
export function diffIpvs(oldText: string, newText: string, indent: string): string[] {
  const before = parseIpvs(oldText);
  const after = parseIpvs(newText);
  const out: string[] = [];
  for (const key of sortedUnion(before.keys(), after.keys())) {
    const a = before.get(key);
    const b = after.get(key);
    const lines: string[] = [];
    if (a?.options !== b?.options) {
      if (a) lines.push(`${indent}- ${key} ${a.options}`.trimEnd());
      if (b) lines.push(`${indent}+ ${key} ${b.options}`.trimEnd());
    }
    for (const real of sortedUnion(a?.reals.keys() ?? [], b?.reals.keys() ?? [])) {
      const was = a?.reals.get(real);
      const now = b?.reals.get(real);
      if (was === now) continue;
      if (was !== undefined) lines.push(`${indent}  - -> ${real} ${was}`.trimEnd());
      if (now !== undefined) lines.push(`${indent}  + -> ${real} ${now}`.trimEnd());
    }
    if (lines.length) out.push(...(a?.options === b?.options ? [`${indent}${key} ${b?.options ?? ''}`.trimEnd()] : []), ...lines);
  }
  return out;
}

const SERVICE_OPTIONS = ['-f', '--fwmark-service', '-t', '--tcp-service', '-u', '--udp-service', '--sctp-service'];
const LABEL: Readonly<Record<string, string>> = { '-f': 'FWM', '--fwmark-service': 'FWM', '-t': 'TCP', '--tcp-service': 'TCP', '-u': 'UDP', '--udp-service': 'UDP', '--sctp-service': 'SCTP' };

function parseIpvs(text: string): Map<string, Service> {
  const services = new Map<string, Service>();
  for (const raw of text.split('\n')) {
    const tokens = raw.trim().split(/\s+/).filter(Boolean);
    const at = tokens.findIndex((t) => SERVICE_OPTIONS.includes(t));
    const command = tokens[0];
    if (at < 0 || tokens[at + 1] === undefined) continue;
    const key = `${LABEL[tokens[at] as string]} ${tokens[at + 1]}`;
    const rest = tokens.filter((_, i) => i !== 0 && i !== at && i !== at + 1);
    if (command === '-A' || command === '--add-service') {
      services.set(key, { options: rest.join(' '), reals: services.get(key)?.reals ?? new Map() });
    } else if (command === '-a' || command === '--add-server') {
      const r = rest.findIndex((t) => t === '-r' || t === '--real-server');
      const service = services.get(key) ?? { options: '', reals: new Map<string, string>() };
      services.set(key, service);
      service.reals.set(rest[r + 1] ?? '?', rest.filter((_, i) => i !== r && i !== r + 1).join(' '));
    }
  }
  return services;
}

/** Sorted by the numbers in the keys (fwmarks, addresses), then as text, so the report order is stable. */
function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort(compareNatural);
}

/** Numeric runs compare as numbers (10.0.0.9 before 10.0.0.10), the rest by code unit: no locale involved. */
function compareNatural(x: string, y: string): number {
  const xs = x.match(/\d+|\D+/g) ?? [];
  const ys = y.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const a = xs[i] as string;
    const b = ys[i] as string;
    if (a === b) continue;
    const numeric = /^\d/.test(a) && /^\d/.test(b);
    if (numeric && Number(a) !== Number(b)) return Number(a) - Number(b);
    return a < b ? -1 : 1;
  }
  return xs.length - ys.length;
}
