/**
 * Every node of a document in yaml.visit's order (pre-order; a pair's key before its value),
 * without yaml.visit's cost: it copies and freezes the ancestor list at every collection and
 * pair, which made the three walks of the source stage (anchors, key checks, alias budget)
 * about a third of `meshc validate` on a 1,000-service stack (issue 18).
 */
import type { Document, Node, Pair } from 'yaml';
import { yaml } from './yaml-runtime.js';

/**
 * Calls `enter` with each node and the pairs and collections above it. The ancestor list is
 * live (it changes as the walk goes on): copy it to keep it.
 */
export function eachNode(doc: Document.Parsed, enter: (node: Node, ancestors: readonly (Node | Pair)[]) => void): void {
  const { isCollection, isNode, isPair } = yaml();
  const ancestors: (Node | Pair)[] = [];
  const walk = (item: unknown): void => {
    if (isPair(item)) {
      ancestors.push(item);
      walk(item.key);
      walk(item.value);
      ancestors.pop();
      return;
    }
    if (!isNode(item)) return;
    enter(item, ancestors);
    if (!isCollection(item)) return;
    ancestors.push(item);
    for (const child of item.items) walk(child);
    ancestors.pop();
  };
  walk(doc.contents);
}
