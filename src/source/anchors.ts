/**
 * Every alias of a document mapped to the node it names, in one pass. yaml's
 * `Alias.resolve` searches the document from the start at each call, which makes a stack
 * whose 1,000 services each merge `<<: *defaults` quadratic; everything in the source stage
 * resolves through this map instead.
 */
import type { Alias, Document, Node } from 'yaml';
import { eachNode } from './each-node.js';
import { yaml } from './yaml-runtime.js';

export type AliasTargets = ReadonlyMap<Alias, Node>;

/** An alias names the closest anchor before it in document order (its own ancestor included); unknown anchors are absent. */
export function resolveAliases(doc: Document.Parsed): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const { isAlias } = yaml();
  eachNode(doc, (node) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) targets.set(node, target);
    } else if (node.anchor) {
      anchors.set(node.anchor, node);
    }
  });
  return targets;
}

/** `node`, or what it names when it is an alias (undefined for an unknown anchor). */
export function deref(targets: AliasTargets, node: unknown): unknown {
  return yaml().isAlias(node) ? targets.get(node) : node;
}
