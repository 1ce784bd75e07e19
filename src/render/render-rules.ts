import type { Plan } from '../model/plan.js';
import type { NodeRuleSet, OutputFile } from '../model/rules.js';

/** `<node>/host.rules`, `<node>/ingress.rules`, `<node>/ipvs.rules`, `<node>/tasks/<task>.rules`. */
export function renderNodeRules(_plan: Plan, _node: NodeRuleSet): OutputFile[] {
  throw new Error('renderNodeRules: not implemented');
}
