/**
 * The typed shapes docker/cli's loader gives list-or-mapping attributes before merging
 * and printing (`MappingWithEquals`, `Labels`, `HealthCheckTest`), on plain data. The front
 * end's (validate reads env files into them, normalize merges and prints them).
 */

import { isRecord } from '../model/json.js';

// The one definition of "a mapping" (model/json.ts), re-exported for the front end's modules.
export { isRecord };

/** `[A=1, B]` → `{A: "1", B: null}` (environment) or `{A: "1", B: ""}` (labels, sysctls). */
export function listToMapping(v: unknown, bareValue: null | ''): unknown {
  if (!Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const item of v) {
    const s = String(item);
    const eq = s.indexOf('=');
    out[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? bareValue : s.slice(eq + 1);
  }
  return out;
}

/** Mapping values as the loader keeps them: strings (numbers and bools printed), null kept. */
export function stringValues(v: unknown): unknown {
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? null : String(x)]));
}

/** One service's list-or-mapping fields in their mapping form, healthcheck test as a list. */
export function canonicalService(svc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...svc };
  if ('environment' in out) out.environment = stringValues(listToMapping(out.environment, null));
  // The loader's StringList: one file or a list, appended when files are merged.
  if (typeof out.env_file === 'string') out.env_file = [out.env_file];
  if ('labels' in out) out.labels = stringValues(listToMapping(out.labels, ''));
  if ('sysctls' in out) out.sysctls = stringValues(listToMapping(out.sysctls, ''));
  if (Array.isArray(out.networks)) out.networks = Object.fromEntries(out.networks.map((n) => [String(n), null]));
  if (isRecord(out.deploy) && 'labels' in out.deploy) {
    out.deploy = { ...out.deploy, labels: stringValues(listToMapping(out.deploy.labels, '')) };
  }
  if (isRecord(out.healthcheck) && typeof out.healthcheck.test === 'string') {
    out.healthcheck = { ...out.healthcheck, test: ['CMD-SHELL', out.healthcheck.test] };
  }
  return out;
}
