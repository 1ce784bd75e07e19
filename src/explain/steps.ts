/** One line of an explanation: a step label, where the rule is (`file:line`) and the rule itself. */
import type { Hook } from '../model/rules.js';
import type { OutputIndex } from './locate.js';
import type { PathRule } from './path-rules.js';

export interface Step {
  readonly step: string;
  readonly where: string;
  readonly what: string;
}

/** Each chain's hooks just before its first rule: the packet meets the built-in chain first. */
export function ruleSteps(
  index: OutputIndex,
  label: string,
  path: string,
  rules: readonly PathRule[],
  hooks: readonly Hook[],
): Step[] {
  const steps: Step[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    const key = `${r.table} ${r.chain}`;
    if (!seen.has(key)) {
      seen.add(key);
      steps.push(...hooks.filter((h) => h.table === r.table && h.target === r.chain).map((h) => hookStep(index, path, h)));
    }
    steps.push({ step: label, where: index.ruleWhere(path, r.table, r.chain, r.args), what: `${r.table} -A ${r.chain} ${r.args.join(' ')}` });
  }
  if (steps.length === 0) steps.push({ step: label, where: path, what: 'no rule for this port' });
  return steps.map((s, i) => ({ ...s, step: i === 0 ? label : '' }));
}

/** Rule files list their hooks as `# hook: -t nat -I PREROUTING …` lines (apply.sh inserts them from there). */
function hookStep(index: OutputIndex, path: string, h: Hook): Step {
  const rule = `${h.table} ${h.builtin} ${[...h.match, '-j', h.target].join(' ')}`;
  return { step: '', where: index.hookWhere(path, h), what: `hook ${rule} (inserted by apply.sh when missing)` };
}

/** Columns aligned within one block: step label, location, rule. */
export function formatSteps(steps: readonly Step[]): string[] {
  const stepWidth = Math.max(0, ...steps.map((s) => s.step.length));
  const whereWidth = Math.max(0, ...steps.map((s) => s.where.length));
  return steps.map((s) => `    ${s.step.padEnd(stepWidth)}  ${s.where.padEnd(whereWidth)}  ${s.what}`.trimEnd());
}
