/**
 * Interpolation of a whole file, as docker/cli's `interpolation.Interpolate`: every string
 * value (never a key) is substituted from the environment only, and changed strings at
 * typed paths are cast. Unlike docker, which stops at the first problem, every failing
 * value is reported at its own position; it keeps its original text.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import type { SourceMap } from '../source/source-map.js';
import { castFor } from './casts.js';
import { substitute, type Lookup } from './template.js';

export interface Interpolated {
  readonly data: Record<string, unknown>;
  /** Paths whose value failed to interpolate or cast; later stages stay quiet about them. */
  readonly failed: readonly JsonPath[];
}

interface Walk {
  readonly lookup: Lookup;
  readonly map: SourceMap;
  readonly sink: DiagnosticSink;
  readonly failed: JsonPath[];
}

/** Returns a new tree; `data` is left untouched. */
export function interpolateConfig(
  data: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  map: SourceMap,
  sink: DiagnosticSink,
): Interpolated {
  // No `$` in any key or string: the walk would only copy the data (issue 18: a tenth of a
  // large stack's validate). JSON.stringify is native; a structure it cannot print is walked.
  if (!mayInterpolate(data)) return { data, failed: [] };
  const lookup: Lookup = (name) => (Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined);
  const w: Walk = { lookup, map, sink, failed: [] };
  return { data: walkMap(data, [], w), failed: w.failed };
}

function mayInterpolate(data: unknown): boolean {
  try {
    return JSON.stringify(data).includes('$');
  } catch {
    return true;
  }
}

function walk(value: unknown, path: JsonPath, w: Walk): unknown {
  if (typeof value === 'string') return interpolateString(value, path, w);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], w));
  if (value !== null && typeof value === 'object') return walkMap(value as Record<string, unknown>, path, w);
  return value;
}

function walkMap(obj: Readonly<Record<string, unknown>>, path: JsonPath, w: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const value = walk(v, [...path, k], w);
    // A `__proto__:` key is data (yaml keeps it as an own property); plain assignment would set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

function interpolateString(value: string, path: JsonPath, w: Walk): unknown {
  if (!value.includes('$')) return value;
  const { value: result, error } = substitute(value, w.lookup);
  const where = dockerPath(path);
  if (error) {
    w.failed.push(path);
    const loc = w.map.locate(path);
    if (error.kind === 'invalid') w.sink.report(diag('INTERPOLATION_INVALID', loc, where, value));
    else w.sink.report(diag('INTERPOLATION_REQUIRED_VARIABLE', loc, where, error.name, error.message));
    return value;
  }
  if (result === value) return value;
  const cast = castFor(where);
  if (!cast) return result;
  const casted = cast(result);
  if (casted.ok) return casted.value;
  w.failed.push(path);
  w.sink.report(diag('INTERPOLATION_CAST_FAILED', w.map.locate(path), where, casted.error));
  return value;
}

/** Docker's spelling of a path: list items are `[]`, not their index. */
export function dockerPath(path: JsonPath): string {
  return path.map((p) => (typeof p === 'number' ? '[]' : p)).join('.');
}
