/**
 * Text → YAML document with positions, read the way docker's CLI (go-yaml v3) reads it:
 * YAML 1.2 core scalars with Go's integer forms, merge keys `<<`, the first document only,
 * duplicate keys an error, non-string keys an error, and alias expansion measured first
 * (go-yaml's rule, alias-budget.ts) so a "billion laughs" file fails fast instead of
 * exhausting memory.
 */
import type { Document, DocumentOptions, Node, Pair, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import { readBlockYaml, type Written } from './block-yaml.js';
import { diag } from '../diagnostics/catalog.js';
import type { Diagnostic, DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import { isExcessive, measureAliases } from './alias-budget.js';
import { deref, resolveAliases, type AliasTargets } from './anchors.js';
import { eachNode } from './each-node.js';
import { goYamlInt } from './go-yaml-int.js';
import { LineCounter } from './line-counter.js';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, yaml } from './yaml-runtime.js';

export interface ParsedYaml {
  /**
   * The first document; undefined when the text holds none (empty, or comments only). For a
   * text the fast reader read, the library parses it on first use: only a few checks need
   * nodes, and then only on some files.
   */
  readonly doc: Document.Parsed | undefined;
  readonly lineCounter: LineCounter;
  /** Where every alias points (empty without a document). */
  readonly aliases: AliasTargets;
  /** Plain data (merge keys applied, aliases expanded); undefined for an empty document. */
  readonly data: unknown;
  /** Where the fast reader found every key and value, when it read the text: what the source map walks then. */
  readonly written?: Written;
}

/** Parses `text`; reports every syntax, duplicate-key and key-type error and returns undefined if any. */
export function parseYaml(text: string, file: string, sink: DiagnosticSink): ParsedYaml | undefined {
  try {
    return parseGuarded(text, file, sink);
  } catch (e) {
    // yaml's parser and meshc's walks recurse once per nesting level: a file nested a few
    // thousand levels deep exhausts the stack. That is the user's file, not a meshc bug.
    if (!(e instanceof RangeError)) throw e;
    sink.report(diag('YAML_TOO_DEEP', deepestLine(text, file)));
    return undefined;
  }
}

/** The first of the most indented lines: where a too-deep nesting is easiest to see. */
function deepestLine(text: string, file: string): SourceLoc {
  let best = { line: 1, col: 1 };
  let n = 0;
  for (const line of text.split('\n')) {
    n++;
    const indent = line.length - line.trimStart().length;
    if (indent + 1 > best.col) best = { line: n, col: indent + 1 };
  }
  return { file, ...best };
}

/** How the library reads a file (plain-scalars.ts holds the fast reader to the same scalar tags). */
export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  customTags: (tags) => [goYamlInt, ...tags.filter((t) => !isCoreInt(t))],
  merge: true,
  uniqueKeys: false,
};

function parseGuarded(text: string, file: string, sink: DiagnosticSink): ParsedYaml | undefined {
  const lineCounter = new LineCounter();
  // Plain block YAML (most files) is read by the fast reader; everything else, errors
  // included, by the library.
  const fast = readBlockYaml(text, lineCounter);
  if (fast) {
    let doc: Document.Parsed | undefined;
    // The fast reader took the text, so the library reads it without a problem (the tests prove both agree).
    const lazy = () => (doc ??= firstDocument(text, new LineCounter()));
    return { get doc() { return lazy(); }, lineCounter, aliases: new Map(), data: fast.data, written: fast.root };
  }
  const doc = firstDocument(text, lineCounter);
  if (!doc) return { doc: undefined, lineCounter, aliases: new Map(), data: undefined };
  const at = (offset: number): SourceLoc => locAt(lineCounter, file, offset);
  for (const e of doc.errors) sink.report(diag('YAML_SYNTAX', at(e.pos[0]), syntaxMessage(e.message)));
  if (doc.errors.length > 0) return undefined;
  const before = sink.errorCount;
  // An alias is written `*name`: a text without `*` has none to resolve or measure, which
  // spares two walks of the whole document (issue 18: most stacks use no alias).
  const mayAlias = text.includes('*');
  const aliases = mayAlias ? resolveAliases(doc) : new Map<never, never>();
  checkKeys(doc, aliases, lineCounter, file, sink);
  if (sink.errorCount > before) return undefined;
  const budget = mayAlias ? measureAliases(doc, aliases) : { total: 0, aliased: 0 };
  if (isExcessive(budget)) {
    const [start, end] = budget.worst?.range ?? [0, 0];
    sink.report(diag('YAML_ALIAS_LIMIT', locAt(lineCounter, file, start, end), budget.aliased, budget.total));
    return undefined;
  }
  try {
    // The budget above is the guard (go-yaml's rule); yaml's own per-anchor count would refuse real stacks.
    return { doc, lineCounter, aliases, data: doc.toJS({ maxAliasCount: -1 }) };
  } catch (e) {
    // yaml refuses some input only while building data; that is still the user's file, not a meshc bug.
    sink.report(diag('YAML_SYNTAX', locAt(lineCounter, file, 0), e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

/** go-yaml's Unmarshal decodes the first document and never looks past it. */
function firstDocument(text: string, lineCounter: LineCounter): Document.Parsed | undefined {
  const docs = yaml().parseAllDocuments(text, { lineCounter, ...PARSE_OPTIONS, prettyErrors: false });
  return Array.isArray(docs) ? docs[0] : undefined;
}

function isCoreInt(t: unknown): boolean {
  return (t as ScalarTag).tag === 'tag:yaml.org,2002:int';
}

/** yaml's first line of a message, without its " at line L, column C" suffix (the position is ours). */
function syntaxMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

export function locAt(lineCounter: LineCounter, file: string, offset: number, end?: number): SourceLoc {
  const { line, col } = lineCounter.linePos(offset);
  if (end === undefined) return { file, line, col };
  const e = lineCounter.linePos(end);
  return { file, line, col, endLine: e.line, endCol: e.col };
}

/** Duplicate keys (by their string form, as go-yaml compares them) and keys that are not strings, in source order. */
function checkKeys(doc: Document.Parsed, targets: AliasTargets, lc: LineCounter, file: string, sink: DiagnosticSink): void {
  const found: { offset: number; d: Diagnostic }[] = [];
  const report = (node: Node | null, d: (loc: SourceLoc) => Diagnostic) => {
    const [start, end] = node?.range ?? [0, 0];
    found.push({ offset: start, d: d(locAt(lc, file, start, end)) });
  };
  eachNode(doc, (node, path) => {
    if (isAlias(node)) {
      if (!targets.has(node)) report(node, (loc) => diag('YAML_SYNTAX', loc, `unknown anchor '${node.source}' referenced`));
      return;
    }
    if (!isMap(node)) return;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const name = keyText(key);
      const first = name === undefined ? undefined : seen.get(name);
      if (name === '<<' && isMergeKey(key) && !isMergeable(targets, pair.value as Node | null)) {
        report(pair.value as Node | null, (loc) => diag('YAML_SYNTAX', loc, 'map merge requires map or sequence of maps as the value'));
      }
      if (name === undefined) report(key, (loc) => diag('NON_STRING_KEY', loc, mapPathOf(path), describeKey(key)));
      else if (first !== undefined) report(key, (loc) => diag('DUPLICATE_KEY', loc, name, lc.linePos(first).line));
      else seen.set(name, key?.range?.[0] ?? 0);
    }
  });
  for (const { d } of found.sort((a, b) => a.offset - b.offset)) sink.report(d);
}

/** The key's string form if go-yaml would accept it as a Compose key (a scalar string, or `<<`). */
function keyText(key: Node | null): string | undefined {
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'string') return key.value;
  if (isMergeKey(key)) return '<<';
  return undefined;
}

/** go-yaml accepts a map, or a sequence of maps, possibly through aliases. */
function isMergeable(targets: AliasTargets, value: Node | null): boolean {
  if (isAlias(value) && !targets.has(value)) return true; // reported as an unknown anchor
  const v = deref(targets, value);
  if (isMap(v)) return true;
  return isSeq(v) && v.items.every((item) => isMap(deref(targets, item)));
}

/** With `merge: true`, yaml reads a plain `<<` key as a symbol. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function describeKey(key: Node | null): string {
  if (key === null) return 'null';
  if (isScalar(key)) return String(key.source ?? key.value);
  if (isAlias(key)) return `*${key.source}`;
  return isCollection(key) ? (isMap(key) ? 'a mapping' : 'a sequence') : String(key);
}

/** Dotted path of the map being checked, from the visitor's ancestor list ("" for the top level). */
function mapPathOf(path: readonly unknown[]): string {
  const parts: string[] = [];
  for (const p of path) {
    if (isPair(p)) parts.push(keyText((p as Pair<Node | null>).key) ?? '?');
  }
  return parts.join('.');
}
