/**
 * What `meshc compile` tells a person at a terminal once the tree is written: what was
 * compiled (nodes, stacks, services, published ports), where the files went, and the next
 * command to run. Pure text from the plan: the CLI decides when to print it (stderr, on a
 * terminal or with -v), so pipes and scripts see nothing new.
 */
import type { Plan } from '../model/plan.js';

export interface SummaryInput {
  readonly plan: Plan;
  /** Files written into the tree (meshc's own marker not counted). */
  readonly fileCount: number;
  /** The output directory as the user gave it (`out/`). */
  readonly out: string;
  /** The lock file written, when it changed. */
  readonly lockWritten?: string;
}

/** Lists longer than this end with "… and N more": the summary stays a few lines. */
const SHOWN = 6;

export function compileSummary({ plan, fileCount, out, lockWritten }: SummaryInput): string {
  const dir = out.endsWith('/') ? out : `${out}/`;
  const stacks = [...new Set(plan.services.map((s) => s.stack ?? plan.stack))];
  const ports = plan.services.flatMap((s) =>
    s.ports.map((p) => `${p.published}/${p.protocol} → ${s.fullName}:${p.target}${p.mode === 'host' ? ' (host mode: no mesh)' : ''}`),
  );
  const first = plan.nodes[0]?.name ?? 'NODE';
  const lines = [
    `meshc: wrote ${count(fileCount, 'file')} to ${dir}${lockWritten ? ` and the lock ${lockWritten}` : ''}`,
    `  nodes     ${list(plan.nodes.map((n) => `${n.name} (${n.address})`))}`,
    `  stacks    ${list(stacks.length > 0 ? stacks : [plan.stack])}`,
    `  services  ${list(plan.services.map((s) => s.fullName))}`,
    `  ports     ${ports.length > 0 ? list(ports) : 'none published: the mesh has nothing to route'}`,
    'next:',
    `  every node at once:  ansible-playbook -i INVENTORY ${dir}playbook.yml   (add --check --diff to preview)`,
    `  or on each node:     sudo ${dir}${first}/apply.sh --check, then sudo ${dir}${first}/apply.sh`,
  ];
  return lines.join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  const more = items.length - SHOWN;
  return `${items.length}: ${shown}${more > 0 ? `, … and ${more} more` : ''}`;
}
