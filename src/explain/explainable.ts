/**
 * What `meshc explain` can show, for a person who does not know the selectors yet: every
 * published port with the selector that explains it and the target port it reaches, and,
 * for a selector naming a target port (`web:80`), the published port that carries it.
 */
import type { Plan, PlanService } from '../model/plan.js';
import type { ExplainSelector } from './explain.js';

type Row = readonly [selector: string, to: string, mode: string];

function rowsOf(plan: Plan): Row[] {
  return plan.services.flatMap((s) =>
    s.ports.map((p): Row => [`${selectorName(plan, s)}:${p.published}/${p.protocol}`, `→ ${s.fullName} target ${p.target}`, p.mode === 'host' ? 'host mode (no mesh)' : 'ingress']),
  );
}

/** One line per published port (`ngx:8888/tcp → stack_ngx target 80, ingress`), for a diagnostic's notes. */
export function explainableLines(plan: Plan): string[] {
  return rowsOf(plan).map(([sel, to, mode]) => `${sel} ${to}, ${mode}`);
}

/** The listing `meshc explain FILE` prints without a selector. */
export function explainables(plan: Plan): string {
  const rows = rowsOf(plan);
  if (rows.length === 0) return 'the stack publishes no ports: there is no mesh path to explain\n';
  const width = Math.max(...rows.map((r) => r[0]!.length));
  const widthTo = Math.max(...rows.map((r) => r[1]!.length));
  const lines = rows.map(([sel, to, mode]) => `  ${sel!.padEnd(width)}  ${to!.padEnd(widthTo)}  ${mode}`);
  return `published ports (explain one: meshc explain FILE SERVICE:PORT[/PROTO]):\n${lines.join('\n')}\n`;
}

/** Where a selector that matched no published port was probably aimed: its port as a target port. */
export function targetPortHints(plan: Plan, selector: ExplainSelector, file = 'FILE'): string[] {
  if (selector.port === undefined) return [];
  return plan.services.flatMap((s) => {
    if (selector.service !== undefined && selector.service !== s.name && selector.service !== s.fullName) return [];
    return s.ports
      .filter((p) => p.target === selector.port && (selector.protocol === undefined || selector.protocol === p.protocol))
      .map((p) => `${p.target}/${p.protocol} is the target port of ${s.fullName}; the mesh publishes it as ${p.published}: meshc explain ${file} ${selectorName(plan, s)}:${p.published}/${p.protocol}`);
  });
}

/** The short service name when no other stack has it, else the full name (both select it). */
function selectorName(plan: Plan, service: PlanService): string {
  return plan.services.filter((s) => s.name === service.name).length > 1 ? service.fullName : service.name;
}
