/**
 * The health agent of one node (docs/health.md): `<node>/health-agent.sh` (its data; the
 * fixed body is `shared/health-agent.sh`, written once: renderHealthAgentBody), its systemd
 * unit `<node>/meshc-health.service`, and `<node>/health.marks`, the fwmarks whose real
 * servers the agent owns the weights of (the runner reads it: new reals of those marks
 * start at weight 0, existing weights are left alone).
 *
 * Every node load-balances to every task, so every node probes every health-checked
 * task over the ingress network. A compose CMD check can only run where the task is:
 * other nodes fall back to a TCP connect on the service's first TCP target port, or,
 * when it has none, trust the task (weight 1, Swarm's no-healthcheck behaviour).
 */
import type { Plan, PlanHealth, PlanService, PlanTask } from '../model/plan.js';
import type { NodeRuleSet, OutputFile } from '../model/rules.js';
import { compareIpv4 } from '../emit/ipv4-order.js';
import { iptablesComment, isSafeFileName, SHARED_DIR, shellWord } from './quote.js';
import { sharedPart, type SharedPart } from './render-runner.js';
import { meshKind } from './scope.js';
import { renderTemplate } from './templates.js';

type ProbeKind = 'tcp' | 'http' | 'cmd' | 'trust';

interface TaskView {
  readonly name: string;
  readonly service: string;
  readonly node: string;
  readonly ip: string;
  readonly mark: number;
  readonly kind: ProbeKind;
  /** 0 when the kind needs no port. */
  readonly port: number;
  readonly path: string;
  /** Expected HTTP status; 0 = any 2xx or 3xx. */
  readonly status: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
  /** Shell words of the CMD check, for `eval "argv=(...)"` in the agent. */
  readonly argv: string;
}

/**
 * Where the playbook installs the stack's files: `<this>/<node>` is a node's default
 * meshc_dir and the directory its unit's ExecStart names, `<this>/shared` the shared folder
 * beside it (docs/runner.md), one per stack so two stacks on a host never share one. Under
 * /etc, not /var/lib/meshc: there the runner keeps its state (`/var/lib/meshc/<prefix>state`),
 * which a stack named `state` would collide with.
 */
export function stackInstallDir(plan: Plan): string {
  return `/etc/meshc/${plan.stack}`;
}

export function nodeInstallDir(plan: Plan, node: string): string {
  if (!isSafeFileName(node)) throw new Error(`internal: unsafe node name ${JSON.stringify(node)}`);
  return `${stackInstallDir(plan)}/${node}`;
}

/**
 * The agent's body, `shared/health-agent.sh`, mode 0644 (sourced by each node's
 * health-agent.sh, never run on its own): probes, state machine, weights, scheduling. It
 * reads nothing of the plan, so a compile writes it once for all nodes (issue 18).
 */
export function renderHealthAgentBody(): OutputFile {
  return { path: `${SHARED_DIR}/health-agent.sh`, content: renderTemplate('health-agent-body.sh.hbs', {}), mode: 0o644 };
}

/**
 * `<node>/health-agent.sh` (the node's data, then a check of the body's sha256 and `source`),
 * its unit and health.marks. `body`: the tree's agent body (renderHealthAgentBody), rendered
 * once by the caller for all nodes; rendered here when not given.
 */
export function renderHealthAgent(plan: Plan, node: NodeRuleSet, body: SharedPart = sharedPart(renderHealthAgentBody())): OutputFile[] {
  const tasks = healthManaged(plan).flatMap((svc) => taskViews(svc, node.node));
  const marks = [...new Set(tasks.map((t) => t.mark))].sort((a, b) => a - b);
  if (!/^[0-9a-f]{64}$/.test(body.sha256) || !isSafeFileName(body.name)) throw new Error(`internal: bad shared part ${JSON.stringify(body)}`);
  const view = { stack: plan.stack, kind: meshKind(plan), node: node.node, dir: nodeInstallDir(plan, node.node), marks, tasks, dataplane: plan.settings.dataplane, services: serviceViews(plan), body };
  return [
    { path: `${node.node}/health-agent.sh`, content: renderTemplate('health-agent.sh.hbs', view), mode: 0o755 },
    { path: `${node.node}/meshc-health.service`, content: renderTemplate('meshc-health.service.hbs', view), mode: 0o644 },
    { path: `${node.node}/health.marks`, content: marks.map((m) => `${m}\n`).join(''), mode: 0o644 },
  ];
}

/** Services whose tasks the agent owns: a health definition and something to load-balance. */
export function healthManaged(plan: Plan): readonly (PlanService & { fwmark: number; health: PlanHealth })[] {
  return plan.services.filter(
    (s): s is PlanService & { fwmark: number; health: PlanHealth } => s.health !== null && s.fwmark !== null,
  );
}

/**
 * Per health-managed service: its protocols (the agent's conntrack flush) and, for the
 * nftables dataplane, its backends in the emitter's slot order and its round-robin rule's
 * comment, so the agent's rewrite of the chain reads exactly as the emitted one.
 */
function serviceViews(plan: Plan): { mark: number; protocols: string; ips: string; comment: string }[] {
  return healthManaged(plan).map((svc) => ({
    mark: svc.fwmark,
    protocols: [...new Set(svc.ports.filter((p) => p.mode === 'ingress').map((p) => p.protocol))].sort().join(' '),
    ips: svc.tasks.flatMap((t) => (t.ip === null ? [] : [t.ip])).sort(compareIpv4).join(' '),
    comment: iptablesComment(`${plan.stack}/${svc.name} round robin`.slice(0, 120)),
  }));
}

function taskViews(svc: PlanService & { fwmark: number; health: PlanHealth }, node: string): TaskView[] {
  const h = svc.health;
  const timing = {
    intervalMs: Math.max(1, Math.round(h.intervalMs)),
    timeoutMs: Math.max(1, Math.round(h.timeoutMs)),
    // Docker: retries <= 0 means its default, 3.
    retries: h.retries > 0 ? h.retries : 3,
    startPeriodMs: Math.max(0, Math.round(h.startPeriodMs)),
  };
  return svc.tasks
    .filter((t): t is PlanTask & { ip: string } => t.ip !== null)
    .map((t) => ({ name: t.name, service: svc.fullName, node: t.node, ip: t.ip, mark: svc.fwmark, ...timing, ...probe(svc, h, t, node) }));
}

function probe(svc: PlanService, h: PlanHealth, task: PlanTask, node: string): Pick<TaskView, 'kind' | 'port' | 'path' | 'status' | 'argv'> {
  const none = { port: 0, path: '', status: 0, argv: '' };
  const tcpPort = h.port ?? svc.ports.find((p) => p.mode === 'ingress' && p.protocol === 'tcp')?.target;
  if (h.kind === 'cmd') {
    const argv = checkArgv(h.command ?? []);
    if (task.node === node && argv.length > 0) return { ...none, kind: 'cmd', argv: argv.map(shellWord).join(' ') };
    return tcpPort !== undefined ? { ...none, kind: 'tcp', port: tcpPort } : { ...none, kind: 'trust' };
  }
  const port = tcpPort ?? svc.ports.find((p) => p.mode === 'ingress')?.target;
  if (port === undefined) return { ...none, kind: 'trust' };
  if (h.kind === 'tcp') return { ...none, kind: 'tcp', port };
  return { ...none, kind: 'http', port, path: requestPath(h.path ?? '/'), status: h.status ?? 0 };
}

/** Compose's test list as an argv: CMD runs as is, CMD-SHELL under /bin/sh -c (Docker's default shell). */
export function checkArgv(command: readonly string[]): string[] {
  if (command[0] === 'CMD') return command.slice(1);
  if (command[0] === 'CMD-SHELL') return command.length > 1 ? ['/bin/sh', '-c', command.slice(1).join(' ')] : [];
  if (command[0] === 'NONE') return [];
  return [...command];
}

/** The request target, with whitespace and control characters percent-encoded: it is printed into the request line. */
function requestPath(path: string): string {
  return path.replace(/[\s\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}
