/** The whole output tree: plan.json, the Ansible playbook and, per node, its rule files, runner and health agent. */
import type { Plan } from '../model/plan.js';
import type { NodeRuleSet, OutputFile, RuleSets } from '../model/rules.js';
import { renderNodeRules } from './render-rules.js';
import { renderRunner } from './render-runner.js';
import { renderPlaybook } from './render-playbook.js';
import { renderHealthAgent } from './render-health.js';
import { nftDataplaneFiles } from './render-nft.js';

export function renderFiles(plan: Plan, ruleSets: RuleSets): OutputFile[] {
  const files: OutputFile[] = [
    { path: 'plan.json', content: JSON.stringify(plan, null, 2) + '\n', mode: 0o644 },
    renderPlaybook(plan),
  ];
  // The health agent only where it has work: a stack without checks gets no agent.
  const health = plan.services.some((s) => s.health !== null);
  const dataplane = dataplaneRenderer(plan);
  for (const node of ruleSets.nodes) {
    files.push(...dataplane(node));
    if (health) files.push(...renderHealthAgent(plan, node));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Dataplane hook (docs/dataplanes.md): the files that carry one node's mesh. The
 * nftables dataplane has its own emitter; its runner path comes with the runner's
 * partials, so until then its nodes get rule files only.
 */
function dataplaneRenderer(plan: Plan): (node: NodeRuleSet) => OutputFile[] {
  if (plan.settings.dataplane === 'nftables') return nftDataplaneFiles(plan);
  return (node) => [...renderNodeRules(plan, node), renderRunner(plan, node)];
}
