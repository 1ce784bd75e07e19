/**
 * A mechanical check of a compiled output tree, per node: every file well formed
 * (parse-rules-file, check-ipvs), every fwmark set in the sandbox's mangle table has
 * exactly one IPVS service and every IPVS service is marked, no port or address is
 * claimed by two services, and the host DNATs exactly the ports the sandbox marks.
 * Pure: files in, problems out (empty when consistent). Test support, not a stage: the
 * compile goldens, the property and hostile tests run it over every tree they compile.
 */
import type { OutputFile, RuleSets } from '../../../src/model/rules.js';
import type { Plan } from '../../../src/model/plan.js';
import { renderNodeRules } from '../../../src/render/render-rules.js';
import { parseIpvsFile } from './check-ipvs.js';
import { optionValue, parseRulesFile, type ParsedRule, type ParsedRulesFile, type Problem } from './parse-rules-file.js';
import { HOST, SANDBOX, TASK } from '../../../src/emit/chains.js';
import { checkNftNode } from './check-nft.js';
import { effectiveFiles } from '../../../src/render/shared-layout.js';

export type { Problem } from './parse-rules-file.js';

type FileLike = Pick<OutputFile, 'path' | 'content'>;

/** `files`: a whole tree; a node's rules are its part and the shared folder's, as apply.sh loads them (effectiveFiles). */
export function checkConsistency(tree: readonly FileLike[]): Problem[] {
  const problems: Problem[] = [];
  const files = effectiveFiles(tree);
  const byNode = new Map<string, Map<string, string>>();
  for (const f of files) {
    const m = /^([^/]+)\/(host\.rules|ingress\.rules|ipvs\.rules|tasks\/[^/]+\.rules)$/.exec(f.path);
    if (!m) continue;
    byNode.set(m[1] ?? '', (byNode.get(m[1] ?? '') ?? new Map()).set(m[2] ?? '', f.content));
  }
  for (const [node, kinds] of byNode) checkNode(node, kinds, problems);
  // The nftables dataplane's files (docs/dataplanes.md): their own checks, same problems.
  for (const [node, kinds] of groupByNode(files, /^([^/]+)\/(host\.nft|ingress\.nft|tasks\/[^/]+\.nft)$/)) checkNftNode(node, kinds, problems);
  return problems;
}

function groupByNode(files: readonly FileLike[], pattern: RegExp): Map<string, Map<string, string>> {
  const byNode = new Map<string, Map<string, string>>();
  for (const f of files) {
    const m = pattern.exec(f.path);
    if (m) byNode.set(m[1] ?? '', (byNode.get(m[1] ?? '') ?? new Map()).set(m[2] ?? '', f.content));
  }
  return byNode;
}

/** Renders the rule sets and checks the result. */
export function checkRuleSets(plan: Plan, ruleSets: RuleSets): Problem[] {
  return checkConsistency(ruleSets.nodes.flatMap((n) => renderNodeRules(n)));
}

function checkNode(node: string, kinds: ReadonlyMap<string, string>, problems: Problem[]): void {
  const path = (kind: string): string => `${node}/${kind}`;
  for (const kind of ['host.rules', 'ingress.rules', 'ipvs.rules']) {
    if (!kinds.has(kind)) problems.push({ file: path(kind), line: 0, message: `node ${node} has no ${kind}` });
  }
  const host = parseRulesFile(path('host.rules'), kinds.get('host.rules') ?? '', problems);
  const sbox = parseRulesFile(path('ingress.rules'), kinds.get('ingress.rules') ?? '', problems);
  const ipvs = parseIpvsFile(path('ipvs.rules'), kinds.get('ipvs.rules') ?? '', problems);
  for (const parsed of [host, sbox]) checkHooks(parsed, problems, parsed === host ? path('host.rules') : path('ingress.rules'));
  const marked = checkMarks(path('ingress.rules'), sbox, problems);
  const report = (line: number, message: string): void => void problems.push({ file: path('ipvs.rules'), line, message });
  for (const mark of marked) if (!ipvs.services.has(mark)) report(0, `fwmark ${mark} is set in mangle but has no IPVS service`);
  for (const mark of ipvs.services.keys()) if (!marked.has(mark)) report(0, `IPVS service ${mark} is never marked in mangle`);
  checkHostPorts(path('host.rules'), host, sbox, problems);
  const reals = new Set([...ipvs.services.values()].flat());
  for (const r of sbox.rules.filter((x) => x.chain === SANDBOX.vip)) {
    const vip = (optionValue(r.args, '-d') ?? '').replace(/\/32$/, '');
    if (reals.has(vip)) problems.push({ file: path('ingress.rules'), line: r.line, message: `VIP ${vip} is also a real server's address` });
  }
  for (const [kind, text] of kinds) if (kind.startsWith('tasks/')) checkTask(path(kind), text, reals, problems);
}

/** A task's REDIRECT rules must address one IP, and that IP must be a real server (else no traffic reaches it). */
function checkTask(file: string, text: string, reals: ReadonlySet<string>, problems: Problem[]): void {
  const parsed = parseRulesFile(file, text, problems);
  const ips = new Set(parsed.rules.filter((r) => r.chain === TASK.redirect).map((r) => (optionValue(r.args, '-d') ?? '').replace(/\/32$/, '')));
  if (ips.size > 1) problems.push({ file, line: 0, message: `REDIRECT rules address several IPs: ${[...ips].join(', ')}` });
  for (const ip of ips) if (!reals.has(ip)) problems.push({ file, line: 0, message: `task address ${ip} is not a real server of any IPVS service` });
}

function checkHooks(parsed: ParsedRulesFile, problems: Problem[], file: string): void {
  for (const h of parsed.hooks) {
    if (!parsed.chains.get(h.table)?.has(h.target)) problems.push({ file, line: h.line, message: `hook jumps to ${h.target}, which is not declared in ${h.table}` });
  }
}

/** Marks set in the sandbox; reports a port or a VIP claimed by two marks, or a VIP twice. */
function checkMarks(file: string, sbox: ParsedRulesFile, problems: Problem[]): Set<number> {
  const marks = new Set<number>();
  const claims = new Map<string, number>();
  for (const r of sbox.rules.filter((x) => x.table === 'mangle')) {
    const mark = Number(optionValue(r.args, '--set-mark'));
    if (!Number.isInteger(mark) || mark <= 0) continue;
    marks.add(mark);
    const key = r.chain === SANDBOX.vip ? `address ${optionValue(r.args, '-d')}` : `port ${portKey(r)}`;
    const prev = claims.get(key);
    if (prev !== undefined) problems.push({ file, line: r.line, message: `${key} is marked ${prev === mark ? 'twice' : `for fwmarks ${prev} and ${mark}`}` });
    claims.set(key, mark);
  }
  checkVipsPerMark(file, sbox.rules.filter((x) => x.chain === SANDBOX.vip), problems);
  return marks;
}

function checkVipsPerMark(file: string, vipRules: readonly ParsedRule[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const r of vipRules) {
    const mark = optionValue(r.args, '--set-mark') ?? '';
    const vip = optionValue(r.args, '-d') ?? '';
    if (seen.has(mark) && seen.get(mark) !== vip) problems.push({ file, line: r.line, message: `fwmark ${mark} has two VIPs, ${seen.get(mark)} and ${vip}` });
    seen.set(mark, vip);
  }
}

/** The host must DNAT exactly the (port, protocol) pairs the sandbox marks, each once. */
function checkHostPorts(file: string, host: ParsedRulesFile, sbox: ParsedRulesFile, problems: Problem[]): void {
  const dnat = new Map<string, number>();
  for (const r of host.rules.filter((x) => x.chain === HOST.ingress)) {
    if (dnat.has(portKey(r))) problems.push({ file, line: r.line, message: `port ${portKey(r)} is DNATed twice` });
    dnat.set(portKey(r), r.line);
  }
  const marked = new Set(sbox.rules.filter((x) => x.chain === SANDBOX.mark).map(portKey));
  for (const [key, line] of dnat) if (!marked.has(key)) problems.push({ file, line, message: `port ${key} is DNATed but not marked in the sandbox` });
  for (const key of marked) if (!dnat.has(key)) problems.push({ file, line: 0, message: `port ${key} is marked in the sandbox but not DNATed on the host` });
}

function portKey(r: ParsedRule): string {
  return `${optionValue(r.args, '--dport')}/${optionValue(r.args, '-p')}`;
}
