import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument, JsonPath } from '../model/compose.js';

/** What every normalize step needs: the document (data + positions) and the sink. */
export interface NormalizeContext {
  readonly doc: ComposeDocument;
  readonly sink: DiagnosticSink;
}

/** The plain value at `path` in the document's data, or undefined. */
export function valueAt(doc: ComposeDocument, path: JsonPath): unknown {
  let v: unknown = doc.data;
  // Indexed: called tens of times per service, mostly before the JIT optimizes it, where for-of allocates per step.
  for (let i = 0; i < path.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[path[i] as string | number];
  }
  return v;
}

/**
 * `valueAt(doc, [...base, a, b])` without building that path: the normalizer reads a few
 * keys under every service, and each spread path was an array to collect (issue 18).
 */
export function valueUnder(doc: ComposeDocument, base: JsonPath, a: string | number, b?: string | number): unknown {
  let v = valueAt(doc, base);
  if (v === null || typeof v !== 'object') return undefined;
  v = (v as Record<string | number, unknown>)[a];
  if (b === undefined) return v;
  if (v === null || typeof v !== 'object') return undefined;
  return (v as Record<string | number, unknown>)[b];
}

export { isRecord } from '../validate/canonical.js';
