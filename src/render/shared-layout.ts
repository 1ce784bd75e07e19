/**
 * The output tree's shared folder (docs/runner.md, "The shared folder"): a file every node
 * loads alike is written once as `shared/F`, and each node's `<node>/F` holds only its own
 * part. apply.sh loads `<node>/F` followed by `shared/F` as one input; so do the readers
 * that need a node's whole rules (diff, the consistency checker), through effectiveFiles.
 */
import { SHARED_DIR } from './quote.js';
import { TABLE_ORDER } from '../emit/chains.js';
import type { TableName } from '../model/rules.js';
import { readRestore } from '../rules-format/restore.js';

/** Files split between a node's folder and the shared one. */
export const SHARED_PARTS: readonly string[] = ['host.rules', 'ingress.rules', 'ipvs.rules', 'host.nft', 'ingress.nft'];

interface TreeFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Each node's effective files: `<node>/F` with `shared/F` appended when the tree has it,
 * every other file as it is, and the shared rules parts (SHARED_PARTS) left out, each now
 * part of every node's file. The shared folder's other files (the runner's body,
 * shared/runner.sh, which apply.sh sources rather than concatenates) stay as they are, once.
 * A tree without a shared folder (older meshc) comes back unchanged.
 */
export function effectiveFiles<T extends TreeFile>(files: readonly T[]): (T | TreeFile)[] {
  const shared = new Map<string, string>();
  for (const f of files) if (isSharedPart(f.path)) shared.set(f.path.slice(SHARED_DIR.length + 1), f.content);
  if (shared.size === 0) return [...files];
  return files.flatMap((f): (T | TreeFile)[] => {
    if (f.path.startsWith(`${SHARED_DIR}/`)) return isSharedPart(f.path) ? [] : [f];
    const slash = f.path.indexOf('/');
    const rest = slash < 0 ? undefined : shared.get(f.path.slice(slash + 1));
    if (rest === undefined || f.path.indexOf('/', slash + 1) >= 0) return [f];
    const content = f.path.endsWith('.nft') ? withDefines(f.content, rest) : f.path.endsWith('/ipvs.rules') ? f.content + rest : mergeTables(f.content, rest);
    return [{ ...f, content }];
  });
}

/** `shared/F` for a rules part F that a node's file continues. */
function isSharedPart(path: string): boolean {
  return path.startsWith(`${SHARED_DIR}/`) && SHARED_PARTS.includes(path.slice(SHARED_DIR.length + 1));
}

/**
 * An iptables-restore node part and shared part as one file in meshc's own form: the node
 * part's comments (header, hooks), then every `*table` … `COMMIT` block of both in the order
 * mangle, nat, filter. iptables-restore loads each block on its own, so this is the rule set
 * apply.sh's concatenation loads, printed as meshc printed a whole node file.
 */
function mergeTables(node: string, shared: string): string {
  const head = node.slice(0, node.search(/^\*/m) < 0 ? node.length : node.search(/^\*/m));
  const blocks = [...tableBlocks(node), ...tableBlocks(shared)];
  const rank = (b: TableBlock): number => TABLE_ORDER.indexOf(b.table as TableName);
  return head + blocks.sort((a, b) => rank(a) - rank(b)).map((b) => b.text).join('');
}

/**
 * An nft node part (its `define name = value` lines) and the shared table as one file, the
 * variables replaced by their values as nft replaces them: the table this node loads,
 * printed as meshc printed a whole node file.
 */
function withDefines(node: string, shared: string): string {
  const values = new Map<string, string>();
  const head = node.replace(/^define ([a-z_]+) = (\S+)\n/gm, (_, name: string, value: string) => {
    values.set(name, value);
    return '';
  });
  return head + shared.replace(/\$([a-z_]+)\b/g, (word, name: string) => values.get(name) ?? word);
}

interface TableBlock {
  readonly table: string;
  /** The block's lines as written, `*table` to `COMMIT`, each ending in a newline. */
  readonly text: string;
}

/** Each `*table` … `COMMIT` block, found by the format's one reader (rules-format/restore.ts). */
function tableBlocks(text: string): TableBlock[] {
  const lines = text.split('\n');
  const blocks: TableBlock[] = [];
  let start = -1;
  for (const l of readRestore(text)) {
    if (l.kind === 'table') start = l.line - 1;
    else if (l.kind === 'commit' && start >= 0) {
      blocks.push({ table: l.table, text: `${lines.slice(start, l.line).join('\n')}\n` });
      start = -1;
    }
  }
  return blocks;
}
