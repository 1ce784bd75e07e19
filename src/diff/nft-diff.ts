/**
 * `meshc diff` for `.nft` files: per set or map, the elements removed and added; per
 * chain, a changed hook line and the rules removed and added (comments ignored); sets
 * and chains that appear or go away. Element order is not meaning (a set is a set), so
 * elements compare as sets; rule order is, so rules compare as sequences.
 */
import { diffLines } from './sequence.js';
import { readNftFile, type ReadChain, type ReadSet } from '../rules-format/nft.js';

export function diffNft(oldText: string, newText: string, indent: string): string[] {
  const a = readNftFile('old', oldText, []);
  const b = readNftFile('new', newText, []);
  const out: string[] = [];
  const inner = indent + '  ';
  for (const name of union([...a.sets.keys()], [...b.sets.keys()])) {
    const lines = setLines(a.sets.get(name), b.sets.get(name), inner);
    const kind = (b.sets.get(name) ?? a.sets.get(name))!.kind;
    if (lines.length) out.push(`${indent}${kind} ${name}${presence(a.sets.has(name), b.sets.has(name))}`, ...lines);
  }
  for (const name of union([...a.chains.keys()], [...b.chains.keys()])) {
    const lines = chainLines(a.chains.get(name), b.chains.get(name), inner);
    if (lines.length) out.push(`${indent}chain ${name}${presence(a.chains.has(name), b.chains.has(name))}`, ...lines);
  }
  return out;
}

function setLines(a: ReadSet | undefined, b: ReadSet | undefined, indent: string): string[] {
  const out: string[] = [];
  if (a && b && a.type !== b.type) out.push(`${indent}- type ${a.type}`, `${indent}+ type ${b.type}`);
  const before = new Set(a?.elements ?? []);
  const after = new Set(b?.elements ?? []);
  for (const e of before) if (!after.has(e)) out.push(`${indent}- ${e}`);
  for (const e of after) if (!before.has(e)) out.push(`${indent}+ ${e}`);
  return out;
}

function chainLines(a: ReadChain | undefined, b: ReadChain | undefined, indent: string): string[] {
  const out: string[] = [];
  if (a && b && a.base !== b.base) {
    if (a.base) out.push(`${indent}- ${a.base}`);
    if (b.base) out.push(`${indent}+ ${b.base}`);
  }
  for (const e of diffLines((a?.rules ?? []).map((r) => r.text), (b?.rules ?? []).map((r) => r.text))) {
    if (e.op !== ' ') out.push(`${indent}${e.op} ${e.text}`);
  }
  return out;
}

function presence(before: boolean, after: boolean): string {
  return !before ? ' (new)' : !after ? ' (removed)' : '';
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
