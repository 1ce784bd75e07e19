import type { Plan } from '../model/plan.js';
import type { NodeRuleSet, OutputFile } from '../model/rules.js';

/** `<node>/apply.sh`: the runner for one node. */
export function renderRunner(_plan: Plan, _node: NodeRuleSet): OutputFile {
  throw new Error('renderRunner: not implemented');
}
