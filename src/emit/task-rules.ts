/**
 * Inside each task: REDIRECT of published → target (the only place the target port is
 * used), then accept the target ports and drop everything else addressed to the
 * task's ingress IP, in Docker's order (sctp, udp, tcp). ICMP is not dropped, as in Docker.
 */
import type { Plan } from '../model/plan.js';
import type { Rule, TaskRules } from '../model/rules.js';
import type { Protocol } from '../model/stack.js';
import { TASK, TASK_HOOKS } from './chains.js';
import { proto, rule, type MeshService, type MeshTask } from './mesh-services.js';

const DROP_ORDER: readonly Protocol[] = ['sctp', 'udp', 'tcp'];

export function emitTaskRules(plan: Plan, svc: MeshService, task: MeshTask): TaskRules {
  const ip32 = `${task.ip}/32`;
  const tag = `${svc.stack ?? plan.stack}/${svc.name}`;
  const redirect = svc.ports.map((p) =>
    rule(['-d', ip32, ...proto(p.protocol), '--dport', String(p.published), '-j', 'REDIRECT', '--to-ports', String(p.target)], `${tag} ${p.published}:${p.target}/${p.protocol}`),
  );
  const input: Rule[] = [];
  const output: Rule[] = [];
  // Two published ports may share a target; one accept per (target, protocol) is enough.
  for (const t of uniqueTargets(svc)) {
    const c = `${tag} ${t.target}/${t.protocol}`;
    input.push(rule(['-d', ip32, ...proto(t.protocol), '--dport', String(t.target), '-m', 'conntrack', '--ctstate', 'NEW,ESTABLISHED', '-j', 'ACCEPT'], c));
    output.push(rule(['-s', ip32, ...proto(t.protocol), '--sport', String(t.target), '-m', 'conntrack', '--ctstate', 'ESTABLISHED', '-j', 'ACCEPT'], c));
  }
  for (const p of DROP_ORDER) {
    input.push(rule(['-d', ip32, '-p', p, '-j', 'DROP'], `${tag} other ${p}`));
    output.push(rule(['-s', ip32, '-p', p, '-j', 'DROP'], `${tag} other ${p}`));
  }
  return {
    task: task.name,
    service: svc.name,
    ip: task.ip,
    rules: {
      tables: [
        { name: 'nat', chains: [{ name: TASK.redirect, rules: redirect }] },
        { name: 'filter', chains: [{ name: TASK.input, rules: input }, { name: TASK.output, rules: output }] },
      ],
      hooks: TASK_HOOKS,
    },
  };
}

function uniqueTargets(svc: MeshService): { target: number; protocol: Protocol }[] {
  const seen = new Map<string, { target: number; protocol: Protocol }>();
  for (const p of svc.ports) seen.set(`${p.target}/${p.protocol}`, { target: p.target, protocol: p.protocol });
  return [...seen.values()];
}
