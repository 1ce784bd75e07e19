/**
 * Test helper: a ComposeDocument straight from YAML text, with positions, for unit tests
 * of normalize and merge that must not depend on the reader stage (no interpolation, no
 * schema: the text is taken as already valid).
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { ComposeDocument, JsonPath } from '../../model/compose.js';
import type { SourceLoc } from '../../diagnostics/types.js';

export function composeDocFromYaml(text: string, file = 'stack.yml'): ComposeDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2', merge: true });
  const data = (doc.toJS({ maxAliasCount: 1000 }) ?? {}) as Record<string, unknown>;
  const at = (offset: number): SourceLoc => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const nodeAt = (path: JsonPath): { node: Node | undefined; depth: number } => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return { node, depth };
    }
    return { node: doc.contents ?? undefined, depth: 0 };
  };
  const locate = (path: JsonPath): SourceLoc => at(nodeAt(path).node?.range?.[0] ?? 0);
  const locateKey = (path: JsonPath): SourceLoc => {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
      if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
    }
    return locate(path);
  };
  const version = typeof data.version === 'string' && data.version !== '3' && data.version !== '' ? data.version : '3.13';
  return { version, data, files: [file], locate, locateKey };
}
