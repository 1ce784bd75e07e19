import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import type { NormalizedStack } from '../model/stack.js';

/** One canonical shape per attribute, plus Swarm's deploy-time checks. */
export function normalizeStack(_doc: ComposeDocument, _opts: { stackName: string }, _sink: DiagnosticSink): NormalizedStack | undefined {
  throw new Error('normalizeStack: not implemented');
}
