import type { Plan } from '../model/plan.js';
import type { OutputFile, RuleSets } from '../model/rules.js';
import type { Protocol } from '../model/stack.js';
/** STUB (owned by the ecosystem engineer). */
export function explain(
  _input: { plan: Plan; ruleSets: RuleSets; files: readonly OutputFile[] },
  _selector: { service?: string; port?: number; protocol?: Protocol },
): { text: string; found: boolean } {
  throw new Error('explain: not implemented');
}
