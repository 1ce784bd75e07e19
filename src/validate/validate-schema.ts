/**
 * Schema validation of one interpolated file against meshc's schema for its version, every
 * problem reported at its own position (docker reports only the first, without one).
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import type { SourceMap } from '../source/source-map.js';
import { reduceSchemaErrors, startsWith } from './schema-errors.js';
import { schemaValidator } from './schema-validators.js';

/**
 * Reports every schema problem of `data`, except at or under `quiet` paths (values that
 * already failed interpolation, forbidden options): one mistake, one message.
 */
export function validateSchema(
  data: Readonly<Record<string, unknown>>,
  version: string,
  map: SourceMap,
  quiet: readonly JsonPath[],
  sink: DiagnosticSink,
): void {
  const errors = schemaValidator(version)(data);
  if (errors.length === 0) return;
  const problems = reduceSchemaErrors(errors, data)
    .filter((p) => !quiet.some((q) => startsWith(p.keyPath ?? p.path, q)))
    .map((p) => ({ p, loc: p.keyPath ? map.locateKey(p.keyPath) : map.locate(p.path) }))
    .sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  for (const { p, loc } of problems) sink.report(diag('SCHEMA_VIOLATION', loc, p.field, p.description));
}
