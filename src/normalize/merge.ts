import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';

/** Merge several validated files in order, as docker/cli's loader merge does (one document: returned as is). */
export function mergeDocuments(docs: readonly ComposeDocument[], _sink: DiagnosticSink): ComposeDocument | undefined {
  if (docs.length === 1) return docs[0];
  throw new Error('mergeDocuments: not implemented');
}
