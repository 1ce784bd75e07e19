/**
 * The runner of one node, `<node>/apply.sh`: this node's plan data (bash arrays) and a
 * loader that checks and sources the runner's body, `shared/runner.sh`, fixed code the same
 * on every node of a dataplane and so written once per compile (renderRunnerBody).
 * templates/apply.sh.hbs and templates/runner.sh.hbs list the parts, one concern each, in
 * templates/runner/ (docs/runner.md). Everything plan-derived is checked here: numbers and IPv4
 * addresses are printed as they are, names only after passing a strict grammar and
 * then through the `sh` quoting helper. See docs/runner.md for what the script does.
 */
import { createHash } from 'node:crypto';
import { isSafeFileName, SHARED_DIR } from './quote.js';
import type { Plan, PlanNode } from '../model/plan.js';
import type { Hook, NodeRuleSet, OutputFile } from '../model/rules.js';
import { meshKind } from './scope.js';
import { renderTemplate } from './templates.js';
import { returnHops } from '../emit/client-ip.js';

export interface RunnerView {
  readonly node: string;
  readonly stack: string;
  /** `stack` or `cluster`: what `stack` names (scope.ts). */
  readonly kind: 'stack' | 'cluster';
  readonly hostBridge: string;
  readonly hostBridgeIp: string;
  readonly gatewayPrefix: number;
  readonly sandboxGatewayIp: string;
  readonly ingressPrefix: number;
  readonly address: string;
  readonly ingressIp: string;
  readonly vni: number;
  readonly vxlanPort: number;
  readonly peers: readonly string[];
  readonly hostHooks: readonly string[];
  readonly sandboxHooks: readonly string[];
  readonly tasks: readonly { readonly name: string; readonly ip: string }[];
  /** `<task index> <hook>`: the script keeps one flat array. */
  readonly taskHooks: readonly string[];
  /** The nftables dataplane: apply.sh takes its rules parts (runner/nft*) instead of iptables + IPVS. */
  readonly nftables: boolean;
  /** client_ip: preserve (docs/client-ip.md); false when no service preserves, so the plan data prints nothing for it. */
  readonly clientIp: false | { readonly mac: string; readonly routes: readonly string[]; readonly tasks: readonly number[] };
  /** The files of the shared folder this node loads, with the sha256 of each as this compile wrote it. */
  readonly shared: readonly SharedPart[];
  /** What apply.sh checks and sources from the shared folder, in order: renderMeshData's file, then renderRunnerBody's. */
  readonly sources: readonly SharedPart[];
}

/** One file of the shared folder (docs/runner.md, "The shared folder"): its name there and its sha256 (hex). */
export interface SharedPart {
  readonly name: string;
  readonly sha256: string;
}


/**
 * `shared/runner.sh`, mode 0644 (sourced by apply.sh, never run on its own): every part of
 * the runner that does not read the plan. Its one input is the dataplane, which picks the
 * rules parts, so it is rendered once per compile, not once per node (issue 18).
 */
export function renderRunnerBody(plan: Plan): OutputFile {
  const content = renderTemplate('runner.sh.hbs', { nftables: plan.settings.dataplane === 'nftables' });
  return { path: `${SHARED_DIR}/runner.sh`, content, mode: 0o644 };
}

/**
 * `shared/mesh-data.sh`, mode 0644: the runner's plan data that every node holds alike (the
 * services' VIPs, the health-managed fwmarks), sourced by each apply.sh before the body. In
 * every apply.sh they made the runners O(nodes x services) (issue 18).
 */
export function renderMeshData(plan: Plan): OutputFile {
  const content = renderTemplate('mesh-data.sh.hbs', { kind: meshKind(plan), stack: name(plan.stack), ...planWide(plan, plan.settings.dataplane === 'nftables') });
  return { path: `${SHARED_DIR}/mesh-data.sh`, content, mode: 0o644 };
}

/** What a node's apply.sh sources, in order, rendered afresh: for callers that render one node alone. */
function runnerSources(plan: Plan): SharedPart[] {
  return [sharedPart(renderMeshData(plan)), sharedPart(renderRunnerBody(plan))];
}

/** A shared file's name in the folder and its sha256, as apply.sh records it. */
export function sharedPart(file: OutputFile): SharedPart {
  return { name: file.path.slice(SHARED_DIR.length + 1), sha256: createHash('sha256').update(file.content).digest('hex') };
}

/**
 * `<node>/apply.sh`, mode 0755. `sources`: the tree's mesh data and runner body (renderMeshData,
 * renderRunnerBody), rendered once by the caller for all nodes; rendered here when not given.
 * Throws (an internal bug, exit 3) on a plan that breaks the planner's invariants.
 */
export function renderRunner(plan: Plan, node: NodeRuleSet, shared: readonly SharedPart[] = [], sources: readonly SharedPart[] = runnerSources(plan)): OutputFile {
  const content = renderTemplate('apply.sh.hbs', runnerView(plan, node, shared, sources));
  return { path: `${name(node.node)}/apply.sh`, content, mode: 0o755 };
}

/** The template's view: every value already validated for the place it is printed. */
export function runnerView(plan: Plan, node: NodeRuleSet, shared: readonly SharedPart[] = [], sources: readonly SharedPart[] = runnerSources(plan)): RunnerView {
  const self = findNode(plan, node.node);
  const s = plan.settings;
  // The nftables dataplane has no iptables hooks and no IPVS services: its .nft files say it all.
  const nftables = s.dataplane === 'nftables';
  const hooks = (list: readonly Hook[]): Hook[] => (nftables ? [] : [...list]);
  return {
    node: name(node.node),
    stack: name(plan.stack),
    kind: meshKind(plan),
    hostBridge: ifName(s.hostBridge),
    hostBridgeIp: ipv4(s.hostBridgeIp),
    gatewayPrefix: prefixLength(s.gatewaySubnet),
    sandboxGatewayIp: ipv4(s.sandboxGatewayIp),
    ingressPrefix: prefixLength(s.ingressSubnet),
    address: ipv4(self.address),
    ingressIp: ipv4(self.ingressIp),
    vni: integer(s.vni, 1, 16_777_215),
    vxlanPort: integer(s.vxlanPort, 1, 65_535),
    peers: plan.nodes.filter((n) => n.name !== self.name).map((n) => ipv4(n.address)),
    hostHooks: hooks(node.host.hooks).map(hookLine),
    sandboxHooks: hooks(node.ingress.hooks).map(hookLine),
    tasks: node.tasks.map((t) => ({ name: name(t.task), ip: ipv4(t.ip) })),
    taskHooks: node.tasks.flatMap((t, i) => hooks(t.rules.hooks).map((h) => `${i} ${hookLine(h)}`)),
    nftables,
    clientIp: clientIpView(plan, node),
    shared: shared.map(checkedPart),
    sources: sources.map(checkedPart),
  };
}

function checkedPart(f: SharedPart): SharedPart {
  if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`internal: bad sha256 ${JSON.stringify(f.sha256)}`);
  return { name: name(f.name), sha256: f.sha256 };
}

/** The sandbox MAC, one "<table> <mark>/<mask> <gateway>" per node, and the indices of this node's preserving tasks. */
function clientIpView(plan: Plan, node: NodeRuleSet): RunnerView['clientIp'] {
  if (!plan.services.some((s) => s.clientIp === 'preserve' && s.fwmark !== null)) return false;
  const hops = returnHops(plan);
  const self = hops.find((h) => h.node === node.node);
  const preserving = new Set(plan.services.filter((s) => s.clientIp === 'preserve').flatMap((s) => s.tasks.map((t) => t.name)));
  const hex = (v: string): string => {
    if (!/^0x[0-9a-f]{1,8}$/.test(v)) throw new Error(`internal: bad mark ${JSON.stringify(v)}`);
    return v;
  };
  const mac = self?.mac ?? '';
  if (!/^02:42(:[0-9a-f]{2}){4}$/.test(mac)) throw new Error(`internal: bad sandbox MAC ${JSON.stringify(mac)}`);
  return {
    mac,
    routes: hops.map((h) => `${integer(h.table, 1, 4_294_967_295)} ${hex(h.mark)}/${hex(h.mask)} ${ipv4(h.gateway)}`),
    tasks: node.tasks.flatMap((t, i) => (preserving.has(t.task) ? [i] : [])),
  };
}

/** The lists every node's runner holds alike (one entry per service): shared/mesh-data.sh. */
function planWide(plan: Plan, nftables: boolean): { vips: string[]; healthMarks: number[] } {
  return {
    vips: plan.services.flatMap((svc) => (svc.fwmark !== null && svc.vip !== null ? [ipv4(svc.vip)] : [])),
    // The health agent owns these services' real-server weights (docs/health.md).
    healthMarks: nftables ? [] : plan.services.flatMap((svc) => (svc.fwmark !== null && svc.health !== null ? [integer(svc.fwmark, 1, 4_294_967_295)] : [])),
  };
}

/** `<table> <builtin> <match...> -j <target>`: split on blanks by the script, so no token may hold one. */
function hookLine(hook: Hook): string {
  const tokens = [hook.table, hook.builtin, ...hook.match, '-j', hook.target];
  for (const t of tokens) {
    if (t === '' || /[\s'"\\]/.test(t)) throw new Error(`internal: hook token ${JSON.stringify(t)} is not a single word`);
  }
  return tokens.join(' ');
}

function findNode(plan: Plan, nodeName: string): PlanNode {
  const found = plan.nodes.find((n) => n.name === nodeName);
  if (!found) throw new Error(`internal: rule set for ${JSON.stringify(nodeName)}, a node the plan does not have`);
  return found;
}

function name(text: string): string {
  if (!isSafeFileName(text)) throw new Error(`internal: unsafe name ${JSON.stringify(text)}`);
  return text;
}

/** Linux interface names: at most 15 bytes, no '/', blanks or ':'. */
function ifName(text: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(text) || text === '.' || text === '..') throw new Error(`internal: bad interface name ${JSON.stringify(text)}`);
  return text;
}

function ipv4(text: string | null): string {
  const parts = (text ?? '').split('.');
  const ok = parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
  if (!ok) throw new Error(`internal: not an IPv4 address: ${JSON.stringify(text)}`);
  return text as string;
}

function prefixLength(cidr: string): number {
  const [addr, len] = cidr.split('/');
  ipv4(addr ?? null);
  return integer(Number(len), 1, 32);
}

function integer(value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`internal: ${value} is not an integer in ${min}..${max}`);
  return value;
}
