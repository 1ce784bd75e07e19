import type { Plan } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
/** STUB (owned by the ecosystem engineer). */
export function renderPlaybook(_plan: Plan): OutputFile {
  throw new Error('renderPlaybook: not implemented');
}
