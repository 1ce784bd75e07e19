/**
 * "Billion laughs" protection with go-yaml v3's own rule, so a file docker accepts is
 * accepted here and one docker refuses is refused: once past 100 aliased nodes and 1,000
 * nodes in all, the share of nodes that come from alias expansion may not exceed 99%
 * (falling to 10% for documents of 400,000 to 4,000,000 nodes). The sizes are computed on
 * the AST, memoized per anchor, without expanding anything, so a bomb costs nothing.
 * (yaml's own maxAliasCount counts every use of an anchor: 101 services merging one
 * `<<: *defaults` would trip it.)
 */
import type { Document, Node } from 'yaml';
import type { AliasTargets } from './anchors.js';
import { eachNode } from './each-node.js';
import { yaml } from './yaml-runtime.js';

export interface AliasVerdict {
  /** Nodes the plain data will hold, expansions included. */
  readonly total: number;
  /** Of those, nodes that come from expanding aliases. */
  readonly aliased: number;
  /** The alias with the largest expansion (where to point the user). */
  readonly worst?: Node;
}

/** go-yaml's allowedAliasRatio. */
export function allowedAliasRatio(total: number): number {
  if (total <= 400_000) return 0.99;
  if (total >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((total - 400_000) / 3_600_000);
}

export function isExcessive(v: AliasVerdict): boolean {
  return v.aliased > 100 && v.total > 1000 && v.aliased / v.total > allowedAliasRatio(v.total);
}

/** Measures the expansion of `doc` (its aliases resolved against the document). */
export function measureAliases(doc: Document.Parsed, targets: AliasTargets): AliasVerdict {
  const { isAlias, isCollection, isPair, isScalar } = yaml();
  // An anchor's expanded size is computed once and counted at every use.
  const sizes = new Map<Node, number>();
  const expanded = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) return 0;
      const known = sizes.get(target);
      if (known !== undefined) return known;
      sizes.set(target, 0); // an alias inside its own anchor adds nothing
      const n = expanded(target);
      sizes.set(target, n);
      return n;
    }
    if (isPair(node)) return expanded(node.key) + expanded(node.value);
    if (isCollection(node)) return node.items.reduce((sum: number, item: unknown) => sum + expanded(item), 1);
    return isScalar(node) ? 1 : 0;
  };
  const total = expanded(doc.contents);
  // Nodes decoded inside an expansion: every alias written in the file, once, at its full size.
  let aliased = 0;
  let worst: { node: Node; size: number } | undefined;
  eachNode(doc, (alias) => {
    if (!isAlias(alias)) return;
    const n = expanded(alias);
    aliased += n;
    if (!worst || n > worst.size) worst = { node: alias, size: n };
  });
  return { total, aliased, worst: worst?.node };
}
