/**
 * Reads an iptables-restore file as meshc writes it and reports its structural
 * problems: a table block without COMMIT, tables out of order (mangle, nat, filter),
 * a rule before its chain's declaration or outside a table, a command other than -A,
 * a chain not named MESHC-… within 28 characters, a rule without its comment.
 * The cross-file checks (marks vs IPVS, ports, addresses) use the parsed result.
 */
import { TABLE_ORDER } from '../../../src/emit/chains.js';
import { readRestore, type RestoreLine } from '../../../src/rules-format/restore.js';
import { targetOf, tokenize } from '../../../src/rules-format/tokens.js';

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ParsedRule {
  readonly table: string;
  readonly chain: string;
  /** Tokens after `-A <chain>`, quotes removed. */
  readonly args: readonly string[];
  readonly line: number;
}

export interface ParsedHook {
  readonly table: string;
  readonly target: string;
  readonly line: number;
}

export interface ParsedRulesFile {
  /** Declared chains by table. */
  readonly chains: ReadonlyMap<string, ReadonlySet<string>>;
  readonly rules: readonly ParsedRule[];
  readonly hooks: readonly ParsedHook[];
}

/** The kernel's limit is 29 bytes with the NUL; meshc keeps 28 as kube-proxy does. */
const MAX_CHAIN = 28;

interface State {
  table: string | null;
  tableLine: number;
  readonly seen: string[];
  readonly chains: Map<string, Set<string>>;
  readonly rules: ParsedRule[];
  readonly hooks: ParsedHook[];
}

export function parseRulesFile(file: string, text: string, problems: Problem[]): ParsedRulesFile {
  const st: State = { table: null, tableLine: 0, seen: [], chains: new Map(), rules: [], hooks: [] };
  const report = (line: number, message: string): void => void problems.push({ file, line, message });
  for (const l of readRestore(text)) checkLine(st, l, report);
  if (st.table !== null) report(st.tableLine, `table ${st.table} does not end with COMMIT`);
  return { chains: st.chains, rules: st.rules, hooks: st.hooks };
}

type Report = (line: number, message: string) => void;

function checkLine(st: State, l: RestoreLine, report: Report): void {
  const n = l.line;
  if (l.kind === 'blank') return;
  if (l.kind === 'comment') return parseHookComment(st, l.text, n, report);
  if (l.kind === 'table') return openTable(st, l.table, n, report);
  if (st.table === null) return report(n, `"${l.text}" outside a table block`);
  if (l.kind === 'commit') {
    st.table = null;
    return;
  }
  if (l.kind === 'chain') return declareChain(st, st.table, l.chain, n, report);
  if (l.kind !== 'rule') return report(n, `only "-A <chain> …" rules belong in a meshc file, not "${l.text}"`);
  parseRule(st, st.table, l, report);
}

function openTable(st: State, name: string, n: number, report: Report): void {
  if (st.table !== null) report(st.tableLine, `table ${st.table} does not end with COMMIT`);
  const order = TABLE_ORDER.indexOf(name as never);
  if (order < 0) report(n, `unknown table ${name}`);
  else if (st.seen.some((t) => TABLE_ORDER.indexOf(t as never) >= order)) report(n, `table ${name} out of order (mangle, nat, filter, each once)`);
  st.seen.push(name);
  st.table = name;
  st.tableLine = n;
  if (!st.chains.has(name)) st.chains.set(name, new Set());
}

function declareChain(st: State, table: string, chain: string, n: number, report: Report): void {
  if (!chain.startsWith('MESHC-') || chain.length > MAX_CHAIN) report(n, `chain ${chain} must be named MESHC-… within ${MAX_CHAIN} characters`);
  const set = st.chains.get(table);
  if (set?.has(chain)) report(n, `chain ${chain} declared twice in ${table}`);
  set?.add(chain);
}

function parseRule(st: State, table: string, l: RestoreLine, report: Report): void {
  const [n, chain, args] = [l.line, l.chain, l.values];
  if (l.command !== '-A' || chain === '') return report(n, `only "-A <chain> …" rules belong in a meshc file, not "${l.text}"`);
  if (!st.chains.get(table)?.has(chain)) report(n, `rule appended to ${chain}, which is not declared (before it) in ${table}`);
  if (!hasComment(args)) report(n, `rule in ${chain} has no -m comment --comment`);
  const target = targetOf(args);
  if (target === undefined) report(n, `rule in ${chain} has no -j target`);
  else if (!BUILTIN_TARGETS.has(target) && !st.chains.get(table)?.has(target)) report(n, `jump to ${target}, which is not declared in ${table}`);
  st.rules.push({ table, chain, args, line: n });
}

/** `# hook: -t nat -I PREROUTING 1 … -j MESHC-INGRESS`: its target must be a chain this file declares. */
function parseHookComment(st: State, line: string, n: number, report: Report): void {
  const m = /^#\s*hook:\s*(.*)$/.exec(line);
  if (!m) return;
  const tokens = tokenize(m[1] ?? '').values;
  const table = tokens[tokens.indexOf('-t') + 1];
  const target = targetOf(tokens);
  if (tokens.indexOf('-t') < 0 || table === undefined || target === undefined) return report(n, `malformed hook "${m[1]}"`);
  st.hooks.push({ table, target, line: n });
}

const BUILTIN_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'MARK', 'REJECT', 'LOG', 'CONNMARK']);

function hasComment(args: readonly string[]): boolean {
  const i = args.indexOf('--comment');
  return i > 0 && args[i - 1] === 'comment' && args[i - 2] === '-m' && (args[i + 1] ?? '') !== '';
}

export { optionValue, targetOf } from '../../../src/rules-format/tokens.js';
