/**
 * Rule-by-rule diff of two iptables-restore files: per table and chain, the rules
 * (`-A` lines, without the `-A <chain>` prefix) that were removed or added, and chains
 * that appeared or went away. Chain order follows the old file, then the new one.
 */
import { readRestore } from '../rules-format/restore.js';
import { diffLines, type Edit } from './sequence.js';

interface Chain {
  readonly declaration: string | null;
  readonly rules: string[];
}

type Tables = Map<string, Map<string, Chain>>;

/** Report lines (indented by `indent`), empty when the two files hold the same rules. */
export function diffRestore(oldText: string, newText: string, indent: string): string[] {
  const before = parseRestore(oldText);
  const after = parseRestore(newText);
  const out: string[] = [];
  for (const table of union([...before.keys()], [...after.keys()])) {
    const a = before.get(table) ?? new Map<string, Chain>();
    const b = after.get(table) ?? new Map<string, Chain>();
    for (const chain of union([...a.keys()], [...b.keys()])) {
      const lines = chainLines(a.get(chain), b.get(chain), indent + '  ');
      if (lines.length) out.push(`${indent}${table} ${chain}${presence(a.has(chain), b.has(chain))}`, ...lines);
    }
  }
  return out;
}

function chainLines(a: Chain | undefined, b: Chain | undefined, indent: string): string[] {
  const out: string[] = [];
  // A chain that appears or goes away is said in its header; only a changed policy is news here.
  if (a && b && a.declaration !== b.declaration) {
    if (a.declaration) out.push(`${indent}- ${a.declaration}`);
    if (b.declaration) out.push(`${indent}+ ${b.declaration}`);
  }
  const edits: Edit[] = diffLines(a?.rules ?? [], b?.rules ?? []);
  for (const e of edits) if (e.op !== ' ') out.push(`${indent}${e.op} ${e.text}`);
  return out;
}

function presence(inOld: boolean, inNew: boolean): string {
  if (!inOld) return ' (new chain)';
  if (!inNew) return ' (chain removed)';
  return '';
}

function parseRestore(text: string): Tables {
  const tables: Tables = new Map();
  let current = new Map<string, Chain>();
  const chain = (name: string) => {
    let c = current.get(name);
    if (!c) current.set(name, (c = { declaration: null, rules: [] }));
    return c;
  };
  for (const l of readRestore(text)) {
    if (l.kind === 'table') {
      current = tables.get(l.table) ?? new Map();
      tables.set(l.table, current);
    } else if (l.kind === 'chain') {
      const declaration = l.text.replace(/\s+/g, ' ').replace(/\[\d+:\d+\]$/, '').trimEnd();
      current.set(l.chain, { ...chain(l.chain), declaration });
    } else if (l.kind === 'rule' && (l.command === '-A' || l.command === '-I')) {
      // Words as written: the report quotes the file.
      chain(l.chain).rules.push(l.raw.join(' '));
    }
  }
  return tables;
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...first, ...second.filter((x) => !first.includes(x))];
}
