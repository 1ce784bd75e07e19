/**
 * `meshc validate --strict`: the warnings that say "Swarm deploys this but silently does
 * something else than written" become errors, for teams that want such files refused.
 * Other warnings (deprecations, node-service shadowing, lock moves) stay warnings;
 * `--warnings-as-errors` still fails on every warning.
 */
import type { DiagnosticCode } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';

export const SWARM_SURPRISES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'PORT_SPEC_REINTERPRETED',
  'PORT_PROTOCOL_UNKNOWN',
  'PORT_MODE_UNKNOWN',
  'PORT_HOST_IP_IGNORED',
  'CONSTRAINT_NEVER_MATCHES',
  'PREFERENCE_IGNORED',
  'NO_ELIGIBLE_NODE',
  'MAX_REPLICAS_UNSATISFIABLE',
  'HOST_PORT_CONFLICT',
  'PLACEMENT_KEY_UNSUPPORTED',
]);

/** Raises the Swarm-surprise warnings collected so far to errors (the same code and message). */
export function applyStrict(sink: DiagnosticSink): void {
  sink.escalate(SWARM_SURPRISES);
}
