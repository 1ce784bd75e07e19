/**
 * JSON path → source position, from the YAML AST, or from the fast reader's positions when
 * it read the file (the same answers: test/unit/block-yaml.test.ts). Values reached through
 * an alias or a merge key `<<` are found where they were written (the anchor), which is
 * where a user must fix them. A path that leaves the document stops at its nearest ancestor.
 */
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import type { SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { deref, type AliasTargets } from './anchors.js';
import { MAPPING, MAPPING_STRIDE, SEQUENCE_STRIDE, type Entries, type Written } from './block-yaml.js';
import { isMergeKey, locAt, type ParsedYaml } from './parse-yaml.js';
import { isMap, isScalar, isSeq } from './yaml-runtime.js';

export interface SourceMap {
  /** Position of the value at `path`; nearest ancestor if absent. */
  locate(path: JsonPath): SourceLoc;
  /** Position of the mapping key at `path`; the value's (or ancestor's) position when there is no key. */
  locateKey(path: JsonPath): SourceLoc;
}

interface Lookup {
  readonly aliases: AliasTargets;
  readonly indexes: WeakMap<YAMLMap, MapIndex>;
}

interface Step {
  readonly key?: Node;
  readonly value: Node | null;
}

/** Builds the position lookups for one parsed file. */
export function createSourceMap(parsed: ParsedYaml, file: string): SourceMap {
  return parsed.written ? writtenSourceMap(parsed.written, parsed.lineCounter, file) : nodeSourceMap(parsed.doc, parsed.aliases, parsed.lineCounter, file);
}

function nodeSourceMap(doc: Document.Parsed | undefined, aliases: AliasTargets, lineCounter: LineCounter, file: string): SourceMap {
  const nodeLoc = (node: Node | null | undefined): SourceLoc | undefined =>
    node?.range ? locAt(lineCounter, file, node.range[0], node.range[1]) : undefined;
  const start: SourceLoc = { file, line: 1, col: 1 };
  const ctx: Lookup = { aliases, indexes: new WeakMap() };
  const walk = (path: JsonPath): { found: boolean; steps: Step[] } => {
    const steps: Step[] = [{ value: (doc?.contents ?? null) as Node | null }];
    for (const seg of path) {
      const next = child(ctx, steps[steps.length - 1]?.value ?? null, seg, 0);
      if (!next) return { found: false, steps };
      steps.push(next);
    }
    return { found: true, steps };
  };
  const nearest = (steps: Step[]): SourceLoc => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i];
      const loc = nodeLoc(s?.value) ?? nodeLoc(s?.key);
      if (loc) return loc;
    }
    return start;
  };
  return {
    locate: (path) => nearest(walk(path).steps),
    locateKey(path) {
      const { found, steps } = walk(path);
      const last = steps[steps.length - 1];
      return (found && nodeLoc(last?.key)) || nearest(steps);
    },
  };
}

interface MapIndex {
  readonly byKey: ReadonlyMap<string, Pair<Node | null, Node | null>>;
  readonly merges: readonly Pair<Node | null, Node | null>[];
}

/** Keys of a map by their string form (the first one wins, as it did when parsing); built once per map. */
function indexOf(map: YAMLMap, indexes: WeakMap<YAMLMap, MapIndex>): MapIndex {
  const known = indexes.get(map);
  if (known) return known;
  const byKey = new Map<string, Pair<Node | null, Node | null>>();
  const merges: Pair<Node | null, Node | null>[] = [];
  for (const pair of map.items as Pair<Node | null, Node | null>[]) {
    if (isMergeKey(pair.key)) merges.push(pair);
    else if (isScalar(pair.key) && !byKey.has(String(pair.key.value))) byKey.set(String(pair.key.value), pair);
  }
  const index = { byKey, merges };
  indexes.set(map, index);
  return index;
}

/** Follows one path segment; merge sources are searched after the map's own keys, first source first. */
function child(ctx: Lookup, from: unknown, seg: string | number, depth: number): Step | undefined {
  const node = deref(ctx.aliases, from);
  if (isSeq(node)) {
    const item = typeof seg === 'number' ? node.items[seg] : undefined;
    return item === undefined ? undefined : { value: item as Node | null };
  }
  if (!isMap(node) || depth > 32) return undefined;
  const { byKey, merges } = indexOf(node, ctx.indexes);
  const own = byKey.get(String(seg));
  if (own) return { key: own.key ?? undefined, value: own.value };
  for (const pair of merges) {
    const source = deref(ctx.aliases, pair.value);
    const sources: unknown[] = isSeq(source) ? source.items : [source];
    for (const s of sources) {
      const found = child(ctx, s, seg, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The same lookups over the fast reader's positions (block-yaml.ts `Written`): the subset it
 * reads has no aliases or merge keys, and every value there has a position, so the nearest
 * ancestor of a path is the last step found.
 */
function writtenSourceMap(root: Written, lineCounter: LineCounter, file: string): SourceMap {
  const indexes = new WeakMap<Entries, Map<string, number>>();
  const walk = (path: JsonPath) => {
    let from = root.from;
    let to = root.to;
    let entries = root.entries;
    let key: { from: number; to: number } | undefined;
    for (const seg of path) {
      const at = entries ? entryAt(entries, seg, indexes) : -1;
      if (at < 0 || !entries) return { found: false, from, to, key };
      // Plain assignments, no destructuring: this runs per located path, mostly in cold code.
      const value = entries[0] === MAPPING ? at + 3 : at;
      key = entries[0] === MAPPING ? { from: entries[at + 1] as number, to: entries[at + 2] as number } : undefined;
      from = entries[value] as number;
      to = entries[value + 1] as number;
      entries = entries[value + 2] as Entries | null;
    }
    return { found: true, from, to, key };
  };
  return {
    locate(path) {
      const { from, to } = walk(path);
      return locAt(lineCounter, file, from, to);
    },
    locateKey(path) {
      const { found, from, to, key } = walk(path);
      return found && key ? locAt(lineCounter, file, key.from, key.to) : locAt(lineCounter, file, from, to);
    },
  };
}

/** Mappings with more keys than this get a name index (built on first lookup): a stack's `services:` may hold thousands. */
const SCAN_LIMIT = 16;

/** Where `seg`'s entry starts in `entries`, or -1. A mapping is searched by the segment's string form, a sequence by index. */
function entryAt(entries: Entries, seg: string | number, indexes: WeakMap<Entries, Map<string, number>>): number {
  if (entries[0] !== MAPPING) {
    const at = 1 + (seg as number) * SEQUENCE_STRIDE;
    return typeof seg === 'number' && Number.isInteger(seg) && seg >= 0 && at < entries.length ? at : -1;
  }
  const name = String(seg);
  const keys = (entries.length - 1) / MAPPING_STRIDE;
  if (keys <= SCAN_LIMIT) {
    for (let at = 1; at < entries.length; at += MAPPING_STRIDE) if (entries[at] === name) return at;
    return -1;
  }
  let index = indexes.get(entries);
  if (!index) {
    index = new Map();
    for (let at = 1; at < entries.length; at += MAPPING_STRIDE) index.set(entries[at] as string, at);
    indexes.set(entries, index);
  }
  return index.get(name) ?? -1;
}
