/** The whole output tree: plan.json, the Ansible playbook and, per node, its rule files and runner. */
import type { Plan } from '../model/plan.js';
import type { OutputFile, RuleSets } from '../model/rules.js';
import { renderNodeRules } from './render-rules.js';
import { renderRunner } from './render-runner.js';
import { renderPlaybook } from './render-playbook.js';

export function renderFiles(plan: Plan, ruleSets: RuleSets): OutputFile[] {
  const files: OutputFile[] = [
    { path: 'plan.json', content: JSON.stringify(plan, null, 2) + '\n', mode: 0o644 },
    renderPlaybook(plan),
  ];
  for (const node of ruleSets.nodes) {
    files.push(...renderNodeRules(plan, node), renderRunner(plan, node));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
