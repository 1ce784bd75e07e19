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
  const text = serviceText(plan, svc);
  const redirect = text.redirects.map((p) =>
    rule(['-d', ip32, ...proto(p.protocol), '--dport', String(p.published), '-j', 'REDIRECT', '--to-ports', String(p.target)], p.comment),
  );
  const input: Rule[] = [];
  const output: Rule[] = [];
  for (const t of text.targets) {
    input.push(rule(['-d', ip32, ...proto(t.protocol), '--dport', String(t.target), '-m', 'conntrack', '--ctstate', 'NEW,ESTABLISHED', '-j', 'ACCEPT'], t.comment));
    output.push(rule(['-s', ip32, ...proto(t.protocol), '--sport', String(t.target), '-m', 'conntrack', '--ctstate', 'ESTABLISHED', '-j', 'ACCEPT'], t.comment));
  }
  for (const d of text.drops) {
    input.push(rule(['-d', ip32, '-p', d.protocol, '-j', 'DROP'], d.comment));
    output.push(rule(['-s', ip32, '-p', d.protocol, '-j', 'DROP'], d.comment));
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

/** What every task of a service prints alike: its ports, the targets it accepts, and the rules' comments. */
interface ServiceText {
  readonly redirects: readonly { readonly published: number; readonly target: number; readonly protocol: Protocol; readonly comment: string }[];
  readonly targets: readonly { readonly target: number; readonly protocol: Protocol; readonly comment: string }[];
  readonly drops: readonly { readonly protocol: Protocol; readonly comment: string }[];
}

// Worked out once per service, not once per task (three tasks a service at 1,000 services):
// the emitter runs once per compile over one plan, so the memo is keyed by the service object.
const texts = new WeakMap<MeshService, ServiceText>();

function serviceText(plan: Plan, svc: MeshService): ServiceText {
  let text = texts.get(svc);
  if (text === undefined) {
    const tag = `${svc.stack ?? plan.stack}/${svc.name}`;
    text = {
      redirects: svc.ports.map((p) => ({ published: p.published, target: p.target, protocol: p.protocol, comment: `${tag} ${p.published}:${p.target}/${p.protocol}` })),
      // Two published ports may share a target; one accept per (target, protocol) is enough.
      targets: uniqueTargets(svc).map((t) => ({ ...t, comment: `${tag} ${t.target}/${t.protocol}` })),
      drops: DROP_ORDER.map((protocol) => ({ protocol, comment: `${tag} other ${protocol}` })),
    };
    texts.set(svc, text);
  }
  return text;
}

function uniqueTargets(svc: MeshService): { target: number; protocol: Protocol }[] {
  const seen = new Map<string, { target: number; protocol: Protocol }>();
  for (const p of svc.ports) seen.set(`${p.target}/${p.protocol}`, { target: p.target, protocol: p.protocol });
  return [...seen.values()];
}
