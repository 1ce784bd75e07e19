/**
 * Prints one node's rule sets: three iptables-restore files (host, ingress sandbox,
 * one per local task) and the sandbox's IPVS services in `ipvsadm -Sn` form. Views are
 * prepared here; templates only loop and print. Tables come out in the order mangle,
 * nat, filter, each with all its chain declarations before its rules.
 */
import { iptablesComment, isSafeFileName, SHARED_DIR } from './quote.js';
import { TABLE_ORDER, hookCommand } from '../emit/chains.js';
import type { Hook, IpvsService, NodeRuleSet, OutputFile, Ruleset, Table, TableName } from '../model/rules.js';
import { renderTemplate } from './templates.js';
import { lineCount, recordLines, type PrintedTable } from './printed-lines.js';

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
  if (shared.host.size) files.push(rulesFile(`${SHARED_DIR}/host.rules`, fromTemplate('shared.rules.hbs', { kind: 'host' }), first.host, (t) => shared.host.has(t)));
  if (shared.ingress.size) files.push(rulesFile(`${SHARED_DIR}/ingress.rules`, fromTemplate('shared.rules.hbs', { kind: 'ingress' }), first.ingress, (t) => shared.ingress.has(t)));
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
    rulesFile(`${name}/host.rules`, fromTemplate('host.rules.hbs', { node: name }), node.host, (t) => !shared.host.has(t)),
    rulesFile(`${name}/ingress.rules`, fromTemplate('ingress.rules.hbs', { node: name }), node.ingress, (t) => !shared.ingress.has(t)),
    shared.ipvs ? file(`${name}/ipvs.rules`, '') : ipvsFile(`${name}/ipvs.rules`, node.ipvs),
  ];
  for (const t of node.tasks) {
    const task = safeName(t.task);
    files.push(rulesFile(`${name}/tasks/${task}.rules`, taskHeader(name, task, safeToken(t.ip)), t.rules, ALL_TABLES, false));
  }
  return files;
}

function file(path: string, content: string): OutputFile {
  return { path, content, mode: 0o644 };
}

/** A file's header and `# hook:` lines (everything above its first table), given its hooks. */
type Header = (hooks: HookLines) => string;

/**
 * A file template prints the header, then each hook as one `# hook:` line, then the tables
 * verbatim (`{{#each tables}}` last): so it is rendered without the tables, which
 * rulesFile appends, and only the header's lines are counted, not the whole file's.
 */
function fromTemplate(template: string, view: object): Header {
  return (hooks) => {
    const head = renderTemplate(template, { ...view, hooks: hooks.commands, tables: [] });
    if (!head.endsWith(hooks.text)) throw new Error(`internal: ${template} does not print the hooks last`);
    return head;
  };
}

/**
 * A task file's header, printed here rather than by a template: 3,000 task files (30,000 at
 * 10x) each paid handlebars' per-call setup, 134 ms of the 571 ms the rule files took in a
 * --cpu-prof of five 1,000-service renders. Every word is a checked name or rule token.
 */
function taskHeader(node: string, task: string, ip: string): Header {
  return (hooks) =>
    `# meshc task rules for node ${node} — generated, do not edit\n# Task ${task}, ingress address ${ip}. Load with: iptables-restore --noflush --wait in the task's netns.\n${hooks.text}`;
}

const ALL_TABLES = (): boolean => true;

/**
 * One iptables-restore file (the tables `keep` passes), with the line of each hook comment
 * and rule recorded for `explain`. `shareable`: its tables may be objects other nodes print
 * too (host, sandbox), so their text is kept for them; a task's are its own, printed straight
 * into the file: keeping them would hold every task's rules twice until the compile ends.
 */
function rulesFile(path: string, header: Header, rs: Ruleset, keep: (t: TableName) => boolean = ALL_TABLES, shareable = true): OutputFile {
  const tables = rs.tables.filter((t) => keep(t.name)).sort((a, b) => TABLE_ORDER.indexOf(a.name) - TABLE_ORDER.indexOf(b.name));
  // A node's hooks are its own (apply.sh inserts them): the shared file prints none.
  const hooks = path.startsWith(`${SHARED_DIR}/`) ? NO_HOOKS : hookLines(rs.hooks);
  const head = header(hooks);
  let line = lineCount(head) + 1;
  const hookAt = hooks.at(line - hooks.commands.length);
  const printed: PrintedTable[] = [];
  // Pieces joined once: `+=` would keep each file as a tree of small strings (V8's cons
  // strings) until it is written, ~2.5x the memory of the flat text (RSS 430 MB, not 180).
  const out: string[] = [head];
  for (const t of tables) {
    printed.push(printedTable(t, line));
    if (shareable) {
      const done = printTable(t);
      out.push(done.text);
      line += done.lines;
    } else line += printTableInto(out, t);
  }
  return recordLines(file(path, out.join('')), { tables: printed, hooks: hookAt });
}

interface HookLines {
  readonly commands: readonly string[];
  /** The `# hook:` lines as the file templates print them. */
  readonly text: string;
  /** The line of each hook command when the first `# hook:` line is `first`. */
  at(first: number): ReadonlyMap<string, number>;
}

const NO_HOOKS: HookLines = { commands: [], text: '', at: () => new Map() };

// Memo by the emitters' hook arrays (a handful of constants: HOST_HOOKS, SANDBOX_HOOKS,
// TASK_HOOKS and the client-ip variants), so 3,000 task files print their three hooks and
// share one line map, instead of each joining the commands and building its own map.
const hookMemo = new WeakMap<readonly Hook[], HookLines>();

function hookLines(hooks: readonly Hook[]): HookLines {
  let done = hookMemo.get(hooks);
  if (done === undefined) {
    const commands = hooks.map(hookCommand);
    const byFirst = new Map<number, ReadonlyMap<string, number>>();
    done = {
      commands,
      text: commands.map((h) => `# hook: ${h}\n`).join(''),
      at: (first) => {
        let lines = byFirst.get(first);
        if (lines === undefined) {
          const m = new Map<string, number>();
          commands.forEach((h, i) => m.has(h) || m.set(h, first + i));
          byFirst.set(first, (lines = m));
        }
        return lines;
      },
    };
    hookMemo.set(hooks, done);
  }
  return done;
}

interface RenderedTable {
  readonly text: string;
  readonly lines: number;
}

// Memo by table object: the emitters share the tables that are identical on every node
// (host rules, sandbox marks), so a 50-node cluster prints each of them once, not 50
// times. Keys are immutable IR objects; a WeakMap lets them go with their RuleSets.
const tableText = new WeakMap<Table, RenderedTable>();

function printTable(table: Table): RenderedTable {
  let done = tableText.get(table);
  if (done === undefined) {
    const out: string[] = [];
    const lines = printTableInto(out, table);
    done = { text: out.join(''), lines };
    tableText.set(table, done);
  }
  return done;
}

/**
 * One `*table` … `COMMIT` block onto `out`: `*table`, every chain declared (`:CHAIN - [0:0]`)
 * before any rule, one line per rule, `COMMIT`; returns its line count. Printed here rather
 * than through a template: a 1,000-service compile prints 6,000 task tables, and handlebars'
 * per-rule helper call and per-table view were 40 % of its render time (--cpu-prof). Rule
 * offsets: ruleOffsets.
 */
function printTableInto(out: string[], table: Table): number {
  out.push(`*${table.name}\n`);
  for (const c of table.chains) out.push(':', safeToken(c.name), ' - [0:0]\n');
  let rules = 0;
  for (const c of table.chains) {
    for (const r of c.rules) printRule(out, c.name, r.args, r.comment);
    rules += c.rules.length;
  }
  out.push('COMMIT\n');
  return table.chains.length + rules + 2;
}

/**
 * Where `explain` finds a rule of this table printed from `firstLine`. The offsets are worked
 * out on first use, not as the file is printed: only `explain` reads them, and a compile
 * would otherwise build five Maps per task file (15,000 at 1,000 services) for nothing.
 */
function printedTable(table: Table, firstLine: number): PrintedTable {
  return {
    table: table.name,
    firstLine,
    get offsets() {
      return ruleOffsets(table);
    },
  };
}

const offsetMemo = new WeakMap<Table, ReadonlyMap<string, ReadonlyMap<readonly string[], number>>>();

/** chain → rule args (by identity) → its line after `*table`, as printTable prints them: the chain lines, then each chain's rules in order. */
function ruleOffsets(table: Table): ReadonlyMap<string, ReadonlyMap<readonly string[], number>> {
  let offsets = offsetMemo.get(table);
  if (offsets === undefined) {
    const built = new Map<string, Map<readonly string[], number>>();
    let offset = table.chains.length + 1;
    for (const c of table.chains) {
      const chain = built.get(c.name) ?? new Map<readonly string[], number>();
      for (const r of c.rules) {
        if (!chain.has(r.args)) chain.set(r.args, offset);
        offset++;
      }
      built.set(c.name, chain);
    }
    offsetMemo.set(table, (offsets = built));
  }
  return offsets;
}

/**
 * `-A CHAIN <fields> -m comment --comment "…" <rest>`: iptables-save prints the address,
 * interface and protocol fields first, then the matches in the order given. Putting the
 * comment right after those fields makes every rule read exactly as `iptables -S` will
 * print it back (MARK's --set-mark aside, which iptables prints as --set-xmark), so a
 * reviewer or the runner can compare them as text.
 */
function printRule(out: string[], chain: string, args: readonly string[], comment: string): void {
  let i = 0;
  for (;;) {
    // A negated field (`! -s 10.0.0.0/24`) is printed in the same place, `!` first.
    const neg = args[i] === '!' ? 1 : 0;
    if (!(i + neg + 1 < args.length && BASIC_FIELDS.has(args[i + neg] ?? ''))) break;
    i += neg + 2;
  }
  out.push('-A ', chain, ' ');
  for (let k = 0; k < i; k++) out.push(safeToken(args[k] as string), ' ');
  out.push('-m comment --comment ', iptablesComment(comment), ' ');
  for (let k = i; k < args.length; k++) out.push(k === i ? '' : ' ', safeToken(args[k] as string));
  out.push('\n');
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
