/**
 * Prints one node's nftables rule sets (the nftables dataplane): `<node>/host.nft`,
 * `<node>/ingress.nft` and `<node>/tasks/<task>.nft`, each one `nft -f` transaction
 * that replaces meshc's table in that namespace and nothing else. Views are prepared
 * here; templates only loop and print.
 */
import { emitNftRuleSets, pickTokens } from '../emit/nft/emit-nft.js';
import type { NftChain, NftNodeRuleSet, NftRule, NftSet, NftTable } from '../emit/nft/model.js';
import type { Plan } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
import { iptablesComment, SHARED_DIR } from './quote.js';
import { renderTemplate } from './templates.js';
import { LineCursor, lineCount, recordLines, type PrintedNftBlock } from './printed-lines.js';

/** What every node loads alike on this dataplane (docs/runner.md, "The shared folder"): the host table, and the sandbox table with the node's address as a variable. */
export interface SharedNft {
  readonly host: boolean;
  readonly ingress: boolean;
}

/** The nft variable the shared sandbox table uses for the node's own ingress address; each node's part defines it. */
export const INGRESS_IP_VAR = 'ingress_ip';

/**
 * `<node>/host.nft`, `<node>/ingress.nft`, `<node>/tasks/<task>.nft`: whole tables, or for a
 * shared table only this node's part (its header, and the `define` the shared table uses).
 */
export function renderNftNode(node: NftNodeRuleSet, ingressIp = '', shared: SharedNft = { host: false, ingress: false }): OutputFile[] {
  const name = safeName(node.node);
  const files: OutputFile[] = [
    shared.host ? nodePart(`${name}/host.nft`, 'host', name, []) : nftFile(`${name}/host.nft`, 'host.nft.hbs', name, node.host),
    shared.ingress
      ? nodePart(`${name}/ingress.nft`, 'ingress sandbox', name, [{ name: INGRESS_IP_VAR, value: safeWord(ingressIp) }])
      : nftFile(`${name}/ingress.nft`, 'ingress.nft.hbs', name, node.ingress),
  ];
  for (const t of node.tasks) {
    files.push(nftFile(`${name}/tasks/${safeName(t.task)}.nft`, 'task.nft.hbs', name, t.table, { task: safeName(t.task), ip: safeWord(t.ip) }));
  }
  return files;
}

/** A node's part of a shared table: apply.sh loads it, then shared/<file>, as one `nft -f` input. */
function nodePart(path: string, what: string, node: string, defines: readonly { name: string; value: string }[]): OutputFile {
  return { path, content: renderTemplate('node-part.nft.hbs', { what, node, file: path.slice(path.indexOf('/') + 1), defines }), mode: 0o644 };
}

/** One `nft -f` file, with the line of each set, map and chain, and of each element and rule in it, recorded for `explain`. */
function nftFile(path: string, template: string, node: string, table: NftTable, extra: object = {}): OutputFile {
  const body = printTable(table);
  const out: OutputFile = { path, content: renderTemplate(template, { node, family: table.family, name: safeWord(table.name), body: body.text, ...extra }), mode: 0o644 };
  // The template prints the table block verbatim, once.
  return recordLines(out, { nft: { firstLine: new LineCursor(out.content).place(body.text, body.lines), blocks: body.blocks } });
}

interface PrintedTableBody {
  readonly text: string;
  readonly lines: number;
  /** Lines relative to the table's first line, counted from 1. */
  readonly blocks: readonly PrintedNftBlock[];
}

// Memo by table object: the host table is one object shared by every node.
const tableText = new WeakMap<NftTable, PrintedTableBody>();

/** The `table … { … }` block alone (no add/delete prologue): what the runner compares and the health agent patches. */
export function renderNftTable(table: NftTable): string {
  return printTable(table).text;
}

function printTable(table: NftTable): PrintedTableBody {
  let done = tableText.get(table);
  if (done === undefined) {
    const sets = table.sets.map(setView);
    const chains = table.chains.map((c) => ({
      name: safeWord(c.name),
      note: c.comment === undefined ? '' : c.comment.slice(0, 120),
      base: c.base ?? (false as const),
      rules: c.rules.map((r) => ({ words: r.tokens.map(safeWord).join(' '), text: r.comment.slice(0, 120) })),
    }));
    // nft refuses comments over 128 bytes; ours are stack and service names, cut to fit.
    const text = tableBlock(table.family, safeWord(table.name), table.comment.slice(0, 120), sets, chains);
    done = { text, ...blockLines(table.name, text, sets, chains) };
    tableText.set(table, done);
  }
  return done;
}

/**
 * The table block: `table … {` and its comment; per set its header, `type`, and when it has
 * elements `elements = {`, one line each, `}`; then its `}`; per chain its header, its
 * comment and base lines when present, one line per rule, `}`; the table's `}`. Printed
 * here, not by a template: the nftables dataplane prints a table per task (3,000 at 1,000
 * services), and rendering each through handlebars was 316 ms of a 607 ms renderFiles
 * (--cpu-prof, `compile --dataplane nftables` of the 1,000-service stack). Every word is a
 * checked nft word (safeWord), every comment goes through quote.ts.
 */
function tableBlock(
  family: string,
  name: string,
  comment: string,
  sets: readonly { kind: string; name: string; type: string; elements: readonly string[] }[],
  chains: readonly { name: string; note: string; base: NftChain['base'] | false; rules: readonly { words: string; text: string }[] }[],
): string {
  const out: string[] = [`table ${family} ${name} {\n\tcomment ${iptablesComment(comment)}\n`];
  for (const set of sets) {
    out.push(`\t${set.kind} ${set.name} {\n\t\ttype ${set.type}\n`);
    if (set.elements.length) {
      out.push('\t\telements = {\n');
      for (const e of set.elements) out.push('\t\t\t', e, ',\n');
      out.push('\t\t}\n');
    }
    out.push('\t}\n');
  }
  for (const c of chains) {
    out.push(`\tchain ${c.name} {\n`);
    if (c.note) out.push(`\t\tcomment ${iptablesComment(c.note)}\n`);
    if (c.base) out.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}; policy accept;\n`);
    for (const r of c.rules) out.push('\t\t', r.words, ' comment ', iptablesComment(r.text), '\n');
    out.push('\t}\n');
  }
  out.push('}\n');
  return out.join('');
}

/**
 * Where tableBlock puts each block and item: `table … {` and its comment; per set
 * its header, `type`, and when it has elements `elements = {`, one line each, `}`; then
 * its `}`; per chain its header, its comment and base lines when present, one line per
 * rule, `}`; the table's `}`. A printer that prints otherwise is a bug caught here.
 */
function blockLines(
  table: string,
  text: string,
  sets: readonly { kind: string; name: string; elements: readonly string[] }[],
  chains: readonly { name: string; note: string; base: unknown; rules: readonly { words: string }[] }[],
): { lines: number; blocks: PrintedNftBlock[] } {
  const blocks: PrintedNftBlock[] = [];
  let line = 3;
  for (const s of sets) {
    const items = s.elements.map((e, i) => ({ text: e, line: line + 3 + i }));
    blocks.push({ header: `${s.kind} ${s.name}`, line, items });
    line += 3 + (s.elements.length ? s.elements.length + 2 : 0);
  }
  for (const c of chains) {
    const first = line + 1 + (c.note ? 1 : 0) + (c.base ? 1 : 0);
    blocks.push({ header: `chain ${c.name}`, line, items: c.rules.map((r, i) => ({ text: r.words, line: first + i })) });
    line = first + c.rules.length + 1;
  }
  const lines = lineCount(text);
  if (lines !== line) throw new Error(`internal: nft table ${table} printed ${lines} lines, not ${line}`);
  return { lines, blocks };
}

function setView(set: NftSet): { kind: string; name: string; type: string; elements: string[] } {
  const elements = set.elements.map((e) => {
    const key = e.key.map(safeWord).join(' . ');
    return e.value === undefined ? key : `${key} : ${safeWord(e.value)}`;
  });
  return { kind: set.kind, name: safeWord(set.name), type: set.type, elements };
}

/**
 * Rule words come from numbers, planned addresses and validated settings. A newline,
 * `;`, `#` or a quote outside the one quoted interface name could end a statement or
 * start a comment in `nft -f` input, so it is refused here as an upstream bug.
 */
function safeWord(word: string): string {
  // The one variable meshc prints: the shared sandbox table's node address, defined by each node's part.
  if (word === `$${INGRESS_IP_VAR}`) return word;
  if (word === '' || /[\n\r;#\\'`$]/.test(word) || (/"/.test(word) && !/^"[A-Za-z0-9_.-]{1,15}"$/.test(word))) {
    throw new Error(`internal: unsafe nft word ${JSON.stringify(word)}`);
  }
  return word;
}

function safeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) throw new Error(`internal: unsafe name ${JSON.stringify(name)}`);
  return name;
}

/** The nftables dataplane's shared files, and per node its own (the emitter runs once for the whole plan). */
export function nftDataplaneFiles(plan: Plan): { shared: OutputFile[]; node: (node: { node: string }) => OutputFile[] } {
  const sets = emitNftRuleSets(plan).nodes;
  const byNode = new Map(sets.map((n) => [n.node, n]));
  const ingressIp = new Map(plan.nodes.map((n) => [n.name, n.ingressIp]));
  const first = sets[0];
  // The emitter hands every node the same host table object when it is the same table.
  const host = first !== undefined && sets.every((n) => n.host === first.host) ? first.host : undefined;
  const ingress = sharedIngress(sets, (n) => ingressIp.get(n) ?? '');
  const shared: OutputFile[] = [];
  if (host) shared.push(nftFile(`${SHARED_DIR}/host.nft`, 'shared.nft.hbs', '', host, { what: 'host', file: 'host.nft', defines: '' }));
  if (ingress) shared.push(nftFile(`${SHARED_DIR}/ingress.nft`, 'shared.nft.hbs', '', ingress, { what: 'ingress sandbox', file: 'ingress.nft', defines: ` (its \`define ${INGRESS_IP_VAR}\`)` }));
  return {
    shared,
    node: (node) => {
      const nft = byNode.get(node.node);
      if (!nft) throw new Error(`internal: no nftables rule set for node ${node.node}`);
      return renderNftNode(nft, ingressIp.get(node.node) ?? '', { host: host !== undefined, ingress: ingress !== undefined });
    },
  };
}

/**
 * The sandbox table every node loads, with `$ingress_ip` for the node's own ingress address
 * (its SNAT target), when each node's table is that one once its address is so named;
 * undefined when the tables differ otherwise. The maps and service chains are the same
 * objects on every node (emit-nft.ts ingressParts), so most of the comparison is identity.
 */
function sharedIngress(nodes: readonly NftNodeRuleSet[], ipOf: (node: string) => string): NftTable | undefined {
  const first = nodes[0];
  if (first === undefined) return undefined;
  const symbolic = symbolicTable(first.ingress, ipOf(first.node));
  return nodes.every((n) => sameTable(symbolic, symbolicTable(n.ingress, ipOf(n.node)))) ? symbolic : undefined;
}

function symbolicTable(table: NftTable, ip: string): NftTable {
  if (ip === '') return table;
  const named = (r: NftRule): NftRule => (r.tokens.includes(ip) ? { ...r, tokens: r.tokens.map((w) => (w === ip ? `$${INGRESS_IP_VAR}` : w)) } : r);
  return { ...table, chains: table.chains.map((c) => (c.rules.some((r) => r.tokens.includes(ip)) ? { ...c, rules: c.rules.map(named) } : c)) };
}

function sameTable(a: NftTable, b: NftTable): boolean {
  return a.family === b.family && a.name === b.name && a.comment === b.comment && sameList(a.sets, b.sets, sameSet) && sameList(a.chains, b.chains, sameChain);
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i] || same(x, b[i] as T)));
}

function sameSet(a: NftSet, b: NftSet): boolean {
  const sameElement = (x: NftSet['elements'][number], y: NftSet['elements'][number]): boolean => x.value === y.value && sameList(x.key, y.key, (p, q) => p === q);
  return a.kind === b.kind && a.name === b.name && a.type === b.type && sameList(a.elements, b.elements, sameElement);
}

function sameChain(a: NftChain, b: NftChain): boolean {
  const sameRule = (x: NftRule, y: NftRule): boolean => x.comment === y.comment && sameList(x.tokens, y.tokens, (p, q) => p === q);
  const baseA = a.base === undefined ? '' : `${a.base.type} ${a.base.hook} ${a.base.priority}`;
  const baseB = b.base === undefined ? '' : `${b.base.type} ${b.base.hook} ${b.base.priority}`;
  return a.name === b.name && a.comment === b.comment && baseA === baseB && sameList(a.rules, b.rules, sameRule);
}

/**
 * The health agent's change to one service, as `nft -f` input: the service chain
 * emptied and refilled with the round robin over the backends still healthy, in one
 * transaction (a packet sees the old pick or the new one, never an empty chain). With
 * none left the chain stays empty: the packet is not DNATed and the sandbox refuses
 * it, as IPVS does for a service without real servers. templates/health-agent.sh.hbs
 * prints the same text (nft_pick); a unit test holds the two together.
 */
export function pickTransaction(table: string, chain: string, ips: readonly string[], comment: string): string {
  const tokens = pickTokens(ips);
  const add = tokens.length === 0 ? '' : `add rule inet ${table} ${chain} ${tokens.join(' ')} comment ${iptablesComment(comment.slice(0, 120))}\n`;
  return `flush chain inet ${table} ${chain}\n${add}`;
}
