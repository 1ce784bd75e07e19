/**
 * JSON path → source position, from the YAML AST. Values reached through an alias or a
 * merge key `<<` are found where they were written (the anchor), which is where a user
 * must fix them. A path that leaves the document stops at its nearest ancestor.
 */
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import type { SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { deref, type AliasTargets } from './anchors.js';
import { isMergeKey, locAt } from './parse-yaml.js';
import { yaml } from './yaml-runtime.js';

const { isMap, isScalar, isSeq } = yaml;

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
export function createSourceMap(
  doc: Document.Parsed | undefined,
  aliases: AliasTargets,
  lineCounter: LineCounter,
  file: string,
): SourceMap {
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
