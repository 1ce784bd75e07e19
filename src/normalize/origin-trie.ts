/**
 * Where each part of a merged document came from: a trie over JSON paths whose nodes may
 * name a source (document + path there). A lookup takes the deepest recorded prefix and
 * appends the rest of the path, so a subtree copied whole from one file needs one entry.
 */
import type { SourceLoc } from '../diagnostics/types.js';
import type { ComposeDocument, JsonPath } from '../model/compose.js';

export interface Origin {
  readonly doc: ComposeDocument;
  readonly path: JsonPath;
}

interface TrieNode {
  origin?: Origin;
  children: Map<string, TrieNode>;
}

export class OriginTrie {
  private readonly root: TrieNode = { children: new Map() };

  /** `merged` now holds what `origin` points at; anything recorded below it is stale. */
  record(merged: JsonPath, origin: Origin): void {
    let node = this.root;
    for (const key of merged) {
      const k = String(key);
      let next = node.children.get(k);
      if (!next) node.children.set(k, (next = { children: new Map() }));
      node = next;
    }
    node.origin = origin;
    node.children = new Map();
  }

  /** The source document and path of `merged`'s deepest recorded prefix, the rest appended. */
  resolve(merged: JsonPath): Origin | undefined {
    let node = this.root;
    let found: Origin | undefined = node.origin && { ...node.origin };
    let depth = 0;
    let foundDepth = 0;
    for (const key of merged) {
      const next = node.children.get(String(key));
      if (!next) break;
      node = next;
      depth++;
      if (node.origin) [found, foundDepth] = [node.origin, depth];
    }
    return found && { doc: found.doc, path: [...found.path, ...merged.slice(foundDepth)] };
  }

  locate(merged: JsonPath, fallback: SourceLoc): SourceLoc {
    const o = this.resolve(merged);
    return o ? o.doc.locate(o.path) : fallback;
  }

  locateKey(merged: JsonPath, fallback: SourceLoc): SourceLoc {
    const o = this.resolve(merged);
    return o ? o.doc.locateKey(o.path) : fallback;
  }
}
