/**
 * Prints one node's nftables rule sets (the nftables dataplane): `<node>/host.nft`,
 * `<node>/ingress.nft` and `<node>/tasks/<task>.nft`, each one `nft -f` transaction
 * that replaces meshc's table in that namespace and nothing else. Views are prepared
 * here; templates only loop and print.
 */
import { emitNftRuleSets, pickTokens } from '../emit/nft/emit-nft.js';
import type { NftNodeRuleSet, NftSet, NftTable } from '../emit/nft/model.js';
import type { Plan } from '../model/plan.js';
import type { OutputFile } from '../model/rules.js';
import { iptablesComment } from './quote.js';
import { renderTemplate } from './templates.js';

export function renderNftNode(node: NftNodeRuleSet): OutputFile[] {
  const name = safeName(node.node);
  const files: OutputFile[] = [
    file(`${name}/host.nft`, renderTemplate('host.nft.hbs', tableView(name, node.host))),
    file(`${name}/ingress.nft`, renderTemplate('ingress.nft.hbs', tableView(name, node.ingress))),
  ];
  for (const t of node.tasks) {
    const view = { ...tableView(name, t.table), task: safeName(t.task), ip: safeWord(t.ip) };
    files.push(file(`${name}/tasks/${safeName(t.task)}.nft`, renderTemplate('task.nft.hbs', view)));
  }
  return files;
}

function file(path: string, content: string): OutputFile {
  return { path, content, mode: 0o644 };
}

function tableView(node: string, table: NftTable): object {
  return { node, family: table.family, name: safeWord(table.name), body: renderNftTable(table) };
}

// Memo by table object: the host table is one object shared by every node.
const tableText = new WeakMap<NftTable, string>();

/** The `table … { … }` block alone (no add/delete prologue): what the runner compares and the health agent patches. */
export function renderNftTable(table: NftTable): string {
  let text = tableText.get(table);
  if (text === undefined) {
    text = renderTemplate('table.nft.hbs', {
      family: table.family,
      name: safeWord(table.name),
      // nft refuses comments over 128 bytes; ours are stack and service names, cut to fit.
      tableComment: table.comment.slice(0, 120),
      sets: table.sets.map(setView),
      chains: table.chains.map((c) => ({
        name: safeWord(c.name),
        note: c.comment === undefined ? '' : c.comment.slice(0, 120),
        base: c.base ?? false,
        rules: c.rules.map((r) => ({ words: r.tokens.map(safeWord).join(' '), text: r.comment.slice(0, 120) })),
      })),
    });
    tableText.set(table, text);
  }
  return text;
}

function setView(set: NftSet): object {
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
  if (word === '' || /[\n\r;#\\'`$]/.test(word) || (/"/.test(word) && !/^"[A-Za-z0-9_.-]{1,15}"$/.test(word))) {
    throw new Error(`internal: unsafe nft word ${JSON.stringify(word)}`);
  }
  return word;
}

function safeName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) throw new Error(`internal: unsafe name ${JSON.stringify(name)}`);
  return name;
}

/** Per node, the nftables dataplane's files (the emitter runs once for the whole plan). */
export function nftDataplaneFiles(plan: Plan): (node: { node: string }) => OutputFile[] {
  const byNode = new Map(emitNftRuleSets(plan).nodes.map((n) => [n.node, n]));
  return (node) => {
    const nft = byNode.get(node.node);
    if (!nft) throw new Error(`internal: no nftables rule set for node ${node.node}`);
    return renderNftNode(nft);
  };
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
