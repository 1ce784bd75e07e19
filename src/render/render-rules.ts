/**
 * Prints one node's rule sets: three iptables-restore files (host, ingress sandbox,
 * one per local task) and the sandbox's IPVS services in `ipvsadm -Sn` form. Views are
 * prepared here; templates only loop and print. Tables come out in the order mangle,
 * nat, filter, each with all its chain declarations before its rules.
 */
import { isSafeFileName, SHARED_DIR } from './quote.js';
import { TABLE_ORDER, hookCommand } from '../emit/chains.js';
import type { IpvsService, NodeRuleSet, OutputFile, Ruleset, Table, TableName } from '../model/rules.js';
import { renderTemplate } from './templates.js';
import { LineCursor, lineCount, recordLines } from './printed-lines.js';

/**
 * What every node prints alike (docs/runner.md, "The shared folder"): per namespace, the
 * tables whose text is the same on every node, and whether the IPVS services are. These go
 * once to `shared/`; each node's file keeps the rest, and the runner loads `<node>/F` then
 * `shared/F` as one input.
 */
export interface SharedIptables {
  readonly host: ReadonlySet<TableName>;
  readonly ingress: ReadonlySet<TableName>;
  readonly ipvs: boolean;
}

/** Nothing shared: each node's files whole (a single node's view, the kernel tests' plans). */
export const NOTHING_SHARED: SharedIptables = { host: new Set(), ingress: new Set(), ipvs: false };

/**
 * The tables and IPVS services every node holds as the very same object: the emitters hand
 * every node one object where they are alike (emit-rule-sets.ts), so nothing is printed or
 * compared twice, and `explain` finds each shared rule (by its args' identity) in the
 * shared file. Equal objects that are not the same one stay in each node's file.
 */
export function sharedIptables(nodes: readonly NodeRuleSet[]): SharedIptables {
  const first = nodes[0];
  if (first === undefined) return NOTHING_SHARED;
  const alike = (pick: (n: NodeRuleSet) => Ruleset): Set<TableName> => {
    const names = new Set<TableName>();
    for (const t of pick(first).tables) {
      if (nodes.every((n) => pick(n).tables.filter((o) => o.name === t.name).length === 1 && pick(n).tables.includes(t))) names.add(t.name);
    }
    return names;
  };
  return { host: alike((n) => n.host), ingress: alike((n) => n.ingress), ipvs: nodes.every((n) => n.ipvs === first.ipvs) };
}

/** `shared/host.rules`, `shared/ingress.rules`, `shared/ipvs.rules`: the shared parts, printed from the first node's (identical) objects; none for an empty part. */
export function renderSharedRules(nodes: readonly NodeRuleSet[], shared: SharedIptables): OutputFile[] {
  const first = nodes[0];
  if (first === undefined) return [];
  const files: OutputFile[] = [];
  if (shared.host.size) files.push(rulesFile(`${SHARED_DIR}/host.rules`, 'shared.rules.hbs', { kind: 'host' }, first.host, (t) => shared.host.has(t)));
  if (shared.ingress.size) files.push(rulesFile(`${SHARED_DIR}/ingress.rules`, 'shared.rules.hbs', { kind: 'ingress' }, first.ingress, (t) => shared.ingress.has(t)));
  if (shared.ipvs) files.push(ipvsFile(`${SHARED_DIR}/ipvs.rules`, first.ipvs));
  return files;
}

/**
 * `<node>/host.rules`, `<node>/ingress.rules`, `<node>/ipvs.rules`, `<node>/tasks/<task>.rules`:
 * what this node loads beyond `shared` (its hooks and the tables that differ; an empty
 * ipvs.rules when the services are shared). With NOTHING_SHARED, the whole files.
 */
export function renderNodeRules(node: NodeRuleSet, shared: SharedIptables = NOTHING_SHARED): OutputFile[] {
  const name = safeName(node.node);
  const files: OutputFile[] = [
    rulesFile(`${name}/host.rules`, 'host.rules.hbs', { node: name }, node.host, (t) => !shared.host.has(t)),
    rulesFile(`${name}/ingress.rules`, 'ingress.rules.hbs', { node: name }, node.ingress, (t) => !shared.ingress.has(t)),
    shared.ipvs ? file(`${name}/ipvs.rules`, '') : ipvsFile(`${name}/ipvs.rules`, node.ipvs),
  ];
  for (const t of node.tasks) {
    files.push(rulesFile(`${name}/tasks/${safeName(t.task)}.rules`, 'task.rules.hbs', { node: name, task: safeName(t.task), ip: safeToken(t.ip) }, t.rules));
  }
  return files;
}

function file(path: string, content: string): OutputFile {
  return { path, content, mode: 0o644 };
}

/** One iptables-restore file (the tables `keep` passes), with the line of each hook comment and rule recorded for `explain`. */
function rulesFile(path: string, template: string, view: object, rs: Ruleset, keep: (t: TableName) => boolean = () => true): OutputFile {
  const tables = [...rs.tables].filter((t) => keep(t.name)).sort((a, b) => TABLE_ORDER.indexOf(a.name) - TABLE_ORDER.indexOf(b.name)).map(renderTable);
  // A node's hooks are its own (apply.sh inserts them): the shared file prints none.
  const hooks = path.startsWith(`${SHARED_DIR}/`) ? [] : rs.hooks.map(hookCommand);
  const out = file(path, renderTemplate(template, { ...view, hooks, tables: tables.map((t) => t.text) }));
  // The template prints each hook as one `# hook:` line, then the tables verbatim, in this order.
  const cursor = new LineCursor(out.content);
  const hookLines = new Map<string, number>();
  for (const h of hooks) if (!hookLines.has(h)) hookLines.set(h, cursor.place(`# hook: ${h}\n`, 1));
  const printed = tables.map((t) => ({ table: t.name, firstLine: cursor.place(t.text, t.lines), offsets: t.offsets }));
  return recordLines(out, { tables: printed, hooks: hookLines });
}

interface RenderedTable {
  readonly name: TableName;
  readonly text: string;
  readonly lines: number;
  readonly offsets: ReadonlyMap<string, ReadonlyMap<readonly string[], number>>;
}

// Memo by table object: the emitters share the tables that are identical on every node
// (host rules, sandbox marks), so a 50-node cluster prints each of them once, not 50
// times. Keys are immutable IR objects; a WeakMap lets them go with their RuleSets.
const tableText = new WeakMap<Table, RenderedTable>();

/** One `*table` … `COMMIT` block: every chain declared before any rule; each rule's line offset kept. */
function renderTable(table: Table): RenderedTable {
  let done = tableText.get(table);
  if (done === undefined) {
    const rules = table.chains.flatMap((c) => c.rules.map((r) => ({ chain: c.name, text: r.comment, ...splitArgs(r.args) })));
    const text = renderTemplate('table.rules.hbs', { name: table.name, chains: table.chains.map((c) => c.name), rules });
    // table.rules.hbs: `*table`, one line per chain, one per rule in this order, `COMMIT`.
    const lines = lineCount(text);
    if (lines !== table.chains.length + rules.length + 2) throw new Error(`internal: table ${table.name} printed ${lines} lines, not one per chain and rule`);
    const offsets = new Map<string, Map<readonly string[], number>>();
    let offset = table.chains.length + 1;
    for (const c of table.chains) {
      const chain = offsets.get(c.name) ?? new Map<readonly string[], number>();
      for (const r of c.rules) {
        if (!chain.has(r.args)) chain.set(r.args, offset);
        offset++;
      }
      offsets.set(c.name, chain);
    }
    done = { name: table.name, text, lines, offsets };
    tableText.set(table, done);
  }
  return done;
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

const ipvsText = new WeakMap<readonly IpvsService[], { text: string; lines: ReadonlyMap<string, number> }>();

/** `ipvs.rules`, with the line of each service (`<fwmark>`) and real server (`<fwmark> <ip>`) recorded for `explain`. */
function ipvsFile(path: string, services: readonly IpvsService[]): OutputFile {
  const done = ipvsRendering(services);
  return recordLines(file(path, done.text), { ipvs: done.lines });
}

function ipvsRendering(services: readonly IpvsService[]): { text: string; lines: ReadonlyMap<string, number> } {
  let done = ipvsText.get(services);
  if (done === undefined) {
    const printed = ipvsLines(services);
    const text = renderTemplate('ipvs.rules.hbs', { lines: printed });
    // ipvs.rules.hbs prints the lines alone, one each, in ipvsLines' order.
    if (lineCount(text) !== printed.length) throw new Error('internal: ipvs.rules is not one line per ipvsadm command');
    const lines = new Map<string, number>();
    const keys = services.flatMap((s) => [String(s.fwmark), ...s.reals.map((r) => `${s.fwmark} ${r.ip}`)]);
    keys.forEach((key, i) => lines.has(key) || lines.set(key, i + 1));
    done = { text, lines };
    ipvsText.set(services, done);
  }
  return done;
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
