/**
 * Both YAML readers on one text, compared node by node (test/differential/block-yaml.test.ts):
 * the fast block reader (src/source/block-yaml.ts) must give what the yaml library gives
 * wherever it accepts a text, or decline it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Node } from 'yaml';
import { readBlockYaml } from '../../src/source/block-yaml.js';
import { PARSE_OPTIONS } from '../../src/source/parse-yaml.js';
import { yaml } from '../../src/source/yaml-runtime.js';

export type Comparison = { accepted: false } | { accepted: true; differences: string[] };

export function compareReaders(text: string): Comparison {
  const fastLines = new yaml.LineCounter();
  const fast = readBlockYaml(text, fastLines, PARSE_OPTIONS);
  if (!fast) return { accepted: false };
  const libLines = new yaml.LineCounter();
  const docs = yaml.parseAllDocuments(text, { lineCounter: libLines, ...PARSE_OPTIONS });
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
  compareNodes(fast.doc.contents as Node | null, lib.contents as Node | null, '$', differences);
  return { accepted: true, differences };
}

function compareNodes(a: Node | null, b: Node | null, path: string, out: string[]): void {
  const kind = (n: Node | null) => (n === null ? 'null' : yaml.isMap(n) ? 'map' : yaml.isSeq(n) ? 'seq' : yaml.isScalar(n) ? 'scalar' : 'other');
  if (kind(a) !== kind(b)) {
    out.push(`${path}: ${kind(a)} vs ${kind(b)}`);
    return;
  }
  if (a === null || b === null) return;
  if (a.range?.[0] !== b.range?.[0] || a.range?.[1] !== b.range?.[1]) out.push(`${path}: range ${a.range?.slice(0, 2)} vs ${b.range?.slice(0, 2)}`);
  if (yaml.isScalar(a) && yaml.isScalar(b)) {
    for (const k of ['value', 'source', 'type', 'format', 'tag'] as const) {
      if (!Object.is(a[k], b[k])) out.push(`${path}: ${k} ${String(a[k])} vs ${String(b[k])}`);
    }
    return;
  }
  if (yaml.isSeq(a) && yaml.isSeq(b)) {
    if (Boolean(a.flow) !== Boolean(b.flow)) out.push(`${path}: flow ${a.flow} vs ${b.flow}`);
    if (a.items.length !== b.items.length) out.push(`${path}: ${a.items.length} vs ${b.items.length} items`);
    a.items.forEach((x, i) => compareNodes(x as Node, (b.items[i] ?? null) as Node | null, `${path}[${i}]`, out));
    return;
  }
  if (yaml.isMap(a) && yaml.isMap(b)) {
    if (a.items.length !== b.items.length) out.push(`${path}: ${a.items.length} vs ${b.items.length} keys`);
    a.items.forEach((p, i) => {
      const q = b.items[i];
      const name = yaml.isScalar(p.key) ? String(p.key.value) : '?';
      compareNodes(p.key as Node, (q?.key ?? null) as Node | null, `${path}.<key ${name}>`, out);
      compareNodes(p.value as Node, (q?.value ?? null) as Node | null, `${path}.${name}`, out);
    });
  }
}
