/**
 * The whole output tree: plan.json, the Ansible playbook, the shared folder (what every
 * node loads alike, written once: docs/runner.md, "The shared folder": the shared rules
 * parts and the runner's body) and, per node, the rest of its rule files, its runner
 * (apply.sh: plan data and a loader) and health agent.
 */
import type { Plan } from '../model/plan.js';
import type { NodeRuleSet, OutputFile, RuleSets } from '../model/rules.js';
import { renderNodeRules, renderSharedRules, sharedIptables } from './render-rules.js';
import { renderMeshData, renderRunner, renderRunnerBody, sharedPart } from './render-runner.js';
import { renderPlaybook } from './render-playbook.js';
import { renderHealthAgent, renderHealthAgentBody } from './render-health.js';
import { nftDataplaneFiles } from './render-nft.js';

export function renderFiles(plan: Plan, ruleSets: RuleSets): OutputFile[] {
  const dataplane = dataplaneRenderer(plan, ruleSets.nodes);
  // apply.sh records each shared file's sha256 and refuses a shared folder from another compile.
  const shared = dataplane.shared.map(sharedPart);
  // The runner's body is the same bash on every node, and its plan-wide lists the same data:
  // each rendered and written once, checked and sourced by every apply.sh in this order.
  const sources = [renderMeshData(plan), renderRunnerBody(plan)];
  const sourceParts = sources.map(sharedPart);
  const files: OutputFile[] = [
    { path: 'plan.json', content: JSON.stringify(plan, null, 2) + '\n', mode: 0o644 },
    renderPlaybook(plan),
    ...dataplane.shared,
    ...sources,
  ];
  // The health agent only where it has work: a stack without checks gets no agent.
  const health = plan.services.some((s) => s.health !== null);
  // The agent's body too: once, in the shared folder, checked and sourced by each node's agent.
  const agentBody = health ? renderHealthAgentBody() : undefined;
  if (agentBody) files.push(agentBody);
  const agentPart = agentBody ? sharedPart(agentBody) : undefined;
  for (const node of ruleSets.nodes) {
    files.push(...dataplane.node(node), renderRunner(plan, node, shared, sourceParts));
    if (agentPart) files.push(...renderHealthAgent(plan, node, agentPart));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Dataplane hook (docs/dataplanes.md): the shared files, and per node the files that carry
 * the rest of its mesh (apply.sh takes the dataplane's rules parts; the plumbing is common).
 */
function dataplaneRenderer(plan: Plan, nodes: readonly NodeRuleSet[]): { shared: OutputFile[]; node: (node: NodeRuleSet) => OutputFile[] } {
  if (plan.settings.dataplane === 'nftables') {
    const nft = nftDataplaneFiles(plan);
    return { shared: nft.shared, node: nft.node };
  }
  const shared = sharedIptables(nodes);
  return { shared: renderSharedRules(nodes, shared), node: (node) => renderNodeRules(node, shared) };
}
