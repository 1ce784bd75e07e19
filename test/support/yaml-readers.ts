/**
 * Both YAML readers on one text, compared (test/unit/block-yaml.test.ts): the fast block
 * reader (src/source/block-yaml.ts) must give what the yaml library gives wherever it
 * accepts a text, or decline it: the same data, the same line starts, and through the source
 * map the same position for every key and value of the document.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Node } from 'yaml';
import type { JsonPath } from '../../src/model/compose.js';
import { readBlockYaml } from '../../src/source/block-yaml.js';
import { PARSE_OPTIONS } from '../../src/source/parse-yaml.js';
import { createSourceMap, type SourceMap } from '../../src/source/source-map.js';
import { LineCounter } from '../../src/source/line-counter.js';
import { isMap, isScalar, isSeq, yaml } from '../../src/source/yaml-runtime.js';

export type Comparison = { accepted: false } | { accepted: true; differences: string[] };

export function compareReaders(text: string): Comparison {
  const fastLines = new LineCounter();
  const fast = readBlockYaml(text, fastLines);
  if (!fast) return { accepted: false };
  const libLines = new (yaml().LineCounter)();
  const docs = yaml().parseAllDocuments(text, { lineCounter: libLines, ...PARSE_OPTIONS });
  const lib = Array.isArray(docs) ? docs[0] : undefined;
  const differences: string[] = [];
  if (!lib) return { accepted: true, differences: ['the library reads no document'] };
  if (lib.errors.length) differences.push(`the library reports errors: ${lib.errors.map((e) => e.message.split('\n')[0]).join('; ')}`);
  if (lib.warnings.length) differences.push(`the library warns: ${lib.warnings.map((e) => e.message.split('\n')[0]).join('; ')}`);
  if (!isDeepStrictEqual(fastLines.lineStarts, libLines.lineStarts)) differences.push('line starts differ');
  let data: unknown;
  try {
    data = lib.toJS({ maxAliasCount: -1 });
  } catch (e) {
    differences.push(`the library's toJS throws: ${String(e)}`);
  }
  if (!isDeepStrictEqual(fast.data, data)) differences.push(`data differs: ${JSON.stringify(fast.data).slice(0, 300)} vs ${JSON.stringify(data).slice(0, 300)}`);
  const fastMap = createSourceMap({ doc: undefined, lineCounter: fastLines, aliases: new Map(), data: fast.data, written: fast.root }, 'f.yml');
  const libMap = createSourceMap({ doc: lib, lineCounter: libLines, aliases: new Map(), data }, 'f.yml');
  for (const path of [...pathsOf(lib.contents as Node | null, []), ...beyond(lib.contents as Node | null)]) comparePositions(path, fastMap, libMap, differences);
  return { accepted: true, differences };
}

/** Both maps answer the same for `path`, its value and its key. */
function comparePositions(path: JsonPath, fast: SourceMap, lib: SourceMap, out: string[]): void {
  const show = (l: object) => JSON.stringify(l);
  const [fv, lv] = [show(fast.locate(path)), show(lib.locate(path))];
  if (fv !== lv) out.push(`${JSON.stringify(path)}: value at ${fv} vs ${lv}`);
  const [fk, lk] = [show(fast.locateKey(path)), show(lib.locateKey(path))];
  if (fk !== lk) out.push(`${JSON.stringify(path)}: key at ${fk} vs ${lk}`);
}

/** Every path of the document: each key of each mapping, each item of each sequence. */
function pathsOf(node: Node | null, path: JsonPath): JsonPath[] {
  const out: JsonPath[] = [path];
  if (isMap(node)) for (const p of node.items) out.push(...pathsOf(p.value as Node | null, [...path, isScalar(p.key) ? String(p.key.value) : '?']));
  if (isSeq(node)) node.items.forEach((item, i) => out.push(...pathsOf(item as Node | null, [...path, i])));
  return out;
}

/** Paths that leave the document: an absent key and an index past the end under each collection (answered by the nearest ancestor). */
function beyond(root: Node | null): JsonPath[] {
  return pathsOf(root, []).flatMap((p) => [[...p, 'absent-key'], [...p, 999_999], [...p, 'absent', 'deeper']]);
}
