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
 * Dataplane hook (docs/dataplanes.md): the files that carry one node's mesh, and its
 * runner (apply.sh takes the dataplane's rules parts; the plumbing is shared).
 */
function dataplaneRenderer(plan: Plan): (node: NodeRuleSet) => OutputFile[] {
  if (plan.settings.dataplane === 'nftables') {
    const nft = nftDataplaneFiles(plan);
    return (node) => [...nft(node), renderRunner(plan, node)];
  }
  return (node) => [...renderNodeRules(node), renderRunner(plan, node)];
}
