/**
 * The schema version of a file, read before interpolation as docker/cli's
 * `schema.Version` does: no `version` key, "" or "3" mean the latest (3.13); anything
 * else must name a schema exactly ("3.0" … "3.13"). A non-string `version` is printed as
 * Go's `%v` would print it and still selects a schema; the schema then rejects its type.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { SourceMap } from '../source/source-map.js';

export const DEFAULT_VERSION = '3.13';
export const SUPPORTED_VERSIONS: readonly string[] = Array.from({ length: 14 }, (_v, i) => `3.${i}`);

/** The schema version to validate with, or undefined after reporting an unsupported one. */
export function selectVersion(data: Readonly<Record<string, unknown>>, map: SourceMap, sink: DiagnosticSink): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(data, 'version')) return DEFAULT_VERSION;
  const raw = goFormat(data.version);
  const version = raw === '' || raw === '3' ? DEFAULT_VERSION : raw;
  if (SUPPORTED_VERSIONS.includes(version)) return version;
  sink.report(diag('UNSUPPORTED_COMPOSE_VERSION', map.locate(['version']), version));
  return undefined;
}

/** Go's fmt `%v` for the values YAML can produce. */
function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return Number.isInteger(value) || !Number.isFinite(value) ? goNumber(value) : String(value);
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goFormat(v)}`).join(' ')}]`;
  }
  return String(value);
}

function goNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isNaN(n)) return 'NaN';
  return String(n);
}
