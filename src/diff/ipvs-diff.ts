/**
 * Diff of two ipvs.rules files (ipvsadm commands): virtual services keyed by their
 * address (`-f <fwmark>`, `-t`/`-u`/`--sctp-service`), real servers keyed by
 * (service, address). A changed weight or method shows as the old line removed and
 * the new one added under its service.
 */
import { readIpvsadm } from '../rules-format/ipvsadm.js';

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

function parseIpvs(text: string): Map<string, Service> {
  const services = new Map<string, Service>();
  for (const l of readIpvsadm(text)) {
    if (l.kind === 'service') {
      services.set(l.service, { options: l.options.join(' '), reals: services.get(l.service)?.reals ?? new Map() });
    } else if (l.kind === 'server') {
      const service = services.get(l.service) ?? { options: '', reals: new Map<string, string>() };
      services.set(l.service, service);
      service.reals.set(l.real || '?', l.options.join(' '));
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
