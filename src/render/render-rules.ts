/**
 * Prints one node's rule sets: three iptables-restore files (host, ingress sandbox,
 * one per local task) and the sandbox's IPVS services in `ipvsadm -Sn` form. Views are
 * prepared here; templates only loop and print. Tables come out in the order mangle,
 * nat, filter, each with all its chain declarations before its rules.
 */
import { isSafeFileName } from './quote.js';
import { TABLE_ORDER, hookCommand } from '../emit/chains.js';
import type { IpvsService, NodeRuleSet, OutputFile, Ruleset, Table } from '../model/rules.js';
import { renderTemplate } from './templates.js';

/** `<node>/host.rules`, `<node>/ingress.rules`, `<node>/ipvs.rules`, `<node>/tasks/<task>.rules`. */
export function renderNodeRules(node: NodeRuleSet): OutputFile[] {
  const name = safeName(node.node);
  const files: OutputFile[] = [
    file(`${name}/host.rules`, renderTemplate('host.rules.hbs', rulesetView(name, node.host))),
    file(`${name}/ingress.rules`, renderTemplate('ingress.rules.hbs', rulesetView(name, node.ingress))),
    file(`${name}/ipvs.rules`, renderIpvs(node.ipvs)),
  ];
  for (const t of node.tasks) {
    const view = { ...rulesetView(name, t.rules), task: safeName(t.task), ip: safeToken(t.ip) };
    files.push(file(`${name}/tasks/${safeName(t.task)}.rules`, renderTemplate('task.rules.hbs', view)));
  }
  return files;
}

function file(path: string, content: string): OutputFile {
  return { path, content, mode: 0o644 };
}

function rulesetView(node: string, rs: Ruleset): object {
  const tables = [...rs.tables].sort((a, b) => TABLE_ORDER.indexOf(a.name) - TABLE_ORDER.indexOf(b.name)).map(renderTable);
  return { node, hooks: rs.hooks.map(hookCommand), tables };
}

// Memo by table object: the emitters share the tables that are identical on every node
// (host rules, sandbox marks), so a 50-node cluster prints each of them once, not 50
// times. Keys are immutable IR objects; a WeakMap lets them go with their RuleSets.
const tableText = new WeakMap<Table, string>();

/** One `*table` … `COMMIT` block: every chain declared before any rule. */
function renderTable(table: Table): string {
  let text = tableText.get(table);
  if (text === undefined) {
    const rules = table.chains.flatMap((c) => c.rules.map((r) => ({ chain: c.name, text: r.comment, ...splitArgs(r.args) })));
    text = renderTemplate('table.rules.hbs', { name: table.name, chains: table.chains.map((c) => c.name), rules });
    tableText.set(table, text);
  }
  return text;
}

/**
 * iptables-save prints the address, interface and protocol fields first, then the
 * matches in the order given. Putting the comment right after those fields makes every
 * rule read exactly as `iptables -S` will print it back (MARK's --set-mark aside, which
 * iptables prints as --set-xmark), so a reviewer or the runner can compare them as text.
 */
function splitArgs(args: readonly string[]): { head: string; tail: string } {
  for (const a of args) safeToken(a);
  let i = 0;
  for (;;) {
    // A negated field (`! -s 10.0.0.0/24`) is printed in the same place, `!` first.
    const neg = args[i] === '!' ? 1 : 0;
    if (!(i + neg + 1 < args.length && BASIC_FIELDS.has(args[i + neg] ?? ''))) break;
    i += neg + 2;
  }
  return { head: args.slice(0, i).map((a) => `${a} `).join(''), tail: args.slice(i).join(' ') };
}

const BASIC_FIELDS = new Set(['-s', '-d', '-i', '-o', '-p']);

const ipvsText = new WeakMap<readonly IpvsService[], string>();

function renderIpvs(services: readonly IpvsService[]): string {
  let text = ipvsText.get(services);
  if (text === undefined) {
    text = renderTemplate('ipvs.rules.hbs', { lines: ipvsLines(services) });
    ipvsText.set(services, text);
  }
  return text;
}

/** Exactly what `ipvsadm -Sn` prints for these services, sorted by fwmark then real server (the emitter's order). */
export function ipvsLines(services: readonly IpvsService[]): string[] {
  return services.flatMap((s) => [
    `-A -f ${s.fwmark} -s ${s.scheduler}`,
    ...s.reals.map((r) => `-a -f ${s.fwmark} -r ${r.ip}:0 -m -w ${r.weight}`),
  ]);
}

/**
 * Rule tokens come from numbers, planned addresses and validated settings (bridge name,
 * subnets). One with whitespace or a quote would split a rule or start a new line of
 * iptables-restore input, so it is refused here as an upstream bug.
 */
function safeToken(token: string): string {
  if (token === '' || /[\s"'\\]/.test(token)) throw new Error(`internal: unsafe rule token ${JSON.stringify(token)}`);
  return token;
}

/**
 * Node and task names become file names and `#` lines; validation admits only this
 * grammar, so anything else reaching here is a bug upstream, not user input.
 */
function safeName(name: string): string {
  if (!isSafeFileName(name)) throw new Error(`internal: unsafe name ${JSON.stringify(name)}`);
  return name;
}
