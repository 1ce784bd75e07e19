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

export { isRecord } from '../validate/canonical.js';
