/**
 * The return path of a `client_ip: preserve` service (docs/client-ip.md) for `meshc
 * explain`: the sandbox's RETURN ahead of the SNAT, the task's mark rules, and the
 * `ip rule` and route per node that apply.sh installs (its RETURN_ROUTES lines).
 */
import { RETURN_CHAIN, RETURN_RULE_PREF, returnHops } from '../emit/client-ip.js';
import type { Plan, PlanService } from '../model/plan.js';
import type { RuleSets, Ruleset } from '../model/rules.js';
import type { OutputIndex } from './locate.js';
import type { PathRule } from './path-rules.js';
import { formatSteps, ruleSteps, type Step } from './steps.js';

/** The sandbox rule that exempts this fwmark from the SNAT (none for a service that does not preserve). */
export function noSnatRules(set: Ruleset, fwmark: number): PathRule[] {
  const mark = `0x${fwmark.toString(16)}`;
  return set.tables.flatMap((t) =>
    t.chains.flatMap((c) => c.rules.filter((r) => r.args.includes('RETURN') && r.args.includes(mark)).map((r) => ({ table: t.name, chain: c.name, args: r.args }))),
  );
}

/** Lines for the iptables dataplane's explanation; empty for a service that does not preserve. */
export function returnPathLines(index: OutputIndex, plan: Plan, ruleSets: RuleSets, service: PlanService): string[] {
  if (service.clientIp !== 'preserve') return [];
  const steps: Step[] = [];
  for (const task of service.tasks) {
    const rules = ruleSets.nodes.find((n) => n.node === task.node)?.tasks.find((t) => t.task === task.name);
    if (!rules) continue;
    const path = `${task.node}/tasks/${task.name}.rules`;
    const marks: PathRule[] = rules.rules.tables.flatMap((t) =>
      t.chains.filter((c) => c.name === RETURN_CHAIN.in || c.name === RETURN_CHAIN.out).flatMap((c) => c.rules.map((r) => ({ table: t.name, chain: c.name, args: r.args }))),
    );
    steps.push(...ruleSteps(index, 'mark', task.node, path, marks, rules.rules.hooks.filter((h) => h.table === 'mangle')));
    steps.push(...routeSteps(index, plan, task.node));
  }
  return ['', '  replies (client_ip: preserve): the task marks each connection with its ingress node and routes replies to that node\'s sandbox:', ...formatSteps(steps)];
}

function routeSteps(index: OutputIndex, plan: Plan, node: string): Step[] {
  const runner = `${node}/apply.sh`;
  return returnHops(plan).map((h, i) => ({
    step: i === 0 ? 'route' : '',
    where: `${runner}:${index.lineWithWords(runner, [`${h.table}`, `${h.mark}/${h.mask}`, h.gateway]) ?? '?'}`,
    what: `ip rule pref ${RETURN_RULE_PREF} fwmark ${h.mark}/${h.mask} lookup ${h.table}; table ${h.table}: default via ${h.gateway} (${h.node}'s sandbox)`,
  }));
}
