import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import type { RuleSets } from '../model/rules.js';

/** Per node: host, ingress sandbox, IPVS and per-task rules, as data. */
export function emitRuleSets(_plan: Plan, _sink: DiagnosticSink): RuleSets {
  throw new Error('emitRuleSets: not implemented');
}
