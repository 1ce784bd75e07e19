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
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

export { isRecord } from '../validate/canonical.js';
