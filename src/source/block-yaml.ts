/**
 * A fast reader for the plain block YAML nearly every Compose file is written in (issue 18:
 * the yaml library's lexer, CST parser and composer were ~40 % of `meshc validate` on a large
 * stack, and the biggest single cost of `meshc compile`'s front end).
 *
 * It is not a second YAML implementation. It reads a strict subset, one line at a time, and
 * returns undefined for anything beyond it, and the caller then parses the file with the yaml
 * library as before. The subset: block mappings and sequences (a mapping may start on a
 * sequence item's line), single-line plain scalars, single-line quoted scalars without
 * escapes, one-line flow sequences of such scalars, empty values, comments. Anything else
 * (anchors, aliases, tags, merge keys, block scalars, multi-line scalars, flow mappings,
 * escapes, tabs, CR, document markers, directives, a duplicate or non-string key) goes to
 * the library, which also reports every error.
 *
 * What it returns is what the library gives for the same text: the same plain data, and
 * where each key and value was written, as the library's node ranges say (what the source
 * map reads). It builds no node tree: the library's nodes cost several objects per key, and
 * a valid file needs only the data and a few positions (issue 18). Plain scalars are resolved
 * by the library's tags for parse-yaml.ts's options, picked as the library's composer picks
 * them (compose-scalar.js `findScalarTagByTest`), from plain-scalars.ts's copy of them, so
 * that reading a file in the subset never loads the library. test/unit/block-yaml.test.ts
 * compares both readers' data and every position of their source maps.
 */
import type { LineCounter } from './line-counter.js';
import { plainTag, type PlainTag } from './plain-scalars.js';

export interface BlockYaml {
  /** What the library's `doc.toJS()` gives. */
  readonly data: unknown;
  /** Where the document's root value was written, and inside it every key and value. */
  readonly root: Written;
}

/**
 * Where a value was written: from its first character to its end as the library's node range
 * (range[0], range[1]) has them, and for a collection where its entries were.
 */
export interface Written {
  readonly from: number;
  readonly to: number;
  readonly entries: Entries | null;
}

/**
 * A collection's entries in one flat array, the first slot its kind. A mapping holds, per key:
 * the key, the key's from and to, then the value's from, to and entries. A sequence holds, per
 * item: its from, to and entries. One array per collection (not an object per node) keeps a
 * large stack's positions cheap to build and to carry.
 */
export type Entries = (string | number | Entries | null)[];
export const MAPPING = 0;
export const SEQUENCE = 1;
export const MAPPING_STRIDE = 6;
export const SEQUENCE_STRIDE = 3;

/** Thrown inside the reader when the text leaves the subset; never escapes readBlockYaml. */
class OutsideSubset extends Error {}
const outside = (): never => {
  throw new OutsideSubset();
};

const SP = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** First characters after which a plain scalar is not a plain scalar, or is one the subset leaves to the library. */
const NOT_PLAIN_START = new Set('-?:,[]{}#&*!|>\'"%@`'.split('').map((c) => c.charCodeAt(0)));
const FLOW_INDICATORS = new Set(',[]{}'.split('').map((c) => c.charCodeAt(0)));

/**
 * A node read: where it was written (`from`, `to`: its range as the library gives it), its
 * entries if a collection, its data, where its range ends for its parent, and the last line
 * its content is on.
 */
type Built = { from: number; to: number; entries: Entries | null; value: unknown; end: number; last: number };

/**
 * Parses `text` if it lies in the subset; fills `lineCounter` as the library would. Scalars
 * resolve as the library resolves them with parse-yaml.ts's PARSE_OPTIONS.
 */
export function readBlockYaml(text: string, lineCounter: LineCounter): BlockYaml | undefined {
  if (!inSubsetAtAGlance(text)) return undefined;
  let reader: Reader;
  let root: Built;
  try {
    reader = new Reader(text);
    root = reader.document();
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
  const starts = reader.lineStarts;
  for (let i = 0; i < starts.length; i++) lineCounter.addNewLine(starts[i] as number);
  return { data: root.value, root: { from: root.from, to: root.to, entries: root.entries } };
}

/**
 * Characters that never occur in the subset wherever they are (cheap to rule out first): tabs,
 * CR, backslashes (escapes), byte order marks, control characters and the Unicode line and
 * paragraph separators, whose handling is the library's.
 */
const OUTSIDE_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff\\]/;
function inSubsetAtAGlance(text: string): boolean {
  return text.length > 0 && !OUTSIDE_CHARS.test(text);
}

class Reader {
  readonly lineStarts: number[] = [0];
  /** Per line: its first non-space column, or -1 for a blank or comment-only line. */
  private readonly indents: number[] = [];
  /** Where flowScalar stopped. */
  private pos = 0;
  /** The tag each plain source resolves by (keys and values apart): most sources repeat. */
  private readonly resolved = [new Map<string, PlainTag | null>(), new Map<string, PlainTag | null>()];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    for (let l = 0; l < this.lineStarts.length; l++) {
      const start = this.lineStarts[l] as number;
      let p = start;
      while (text.charCodeAt(p) === SP) p++;
      const c = text.charCodeAt(p);
      const blank = p >= text.length || c === NL || c === HASH;
      // Directives and document markers are the library's business.
      if (p === start && (c === 0x25 || text.startsWith('---', p) || text.startsWith('...', p))) outside();
      this.indents.push(blank ? -1 : p - start);
    }
  }

  document(): Built {
    const first = this.nextContent(0);
    if (first === undefined || this.indents[first] !== 0) outside();
    const root = this.blockNode(first as number, 0);
    if (this.nextContent(root.last + 1) !== undefined) outside();
    return root;
  }

  /** The first line at or after `l` with content, or undefined. */
  private nextContent(l: number): number | undefined {
    for (; l < this.indents.length; l++) if ((this.indents[l] as number) >= 0) return l;
    return undefined;
  }

  private lineEnd(l: number): number {
    const next = this.lineStarts[l + 1];
    return next === undefined ? this.text.length : next - 1;
  }

  /** A block node whose first token is at column `col` of line `l`. */
  private blockNode(l: number, col: number): Built {
    const p = (this.lineStarts[l] as number) + col;
    if (this.isDash(p)) return this.sequence(l, col);
    if (this.keyEnd(p, this.lineEnd(l)) !== undefined) return this.mapping(l, col);
    return outside(); // a scalar on its own line may continue on the next ones
  }

  private isDash(p: number): boolean {
    const next = this.text.charCodeAt(p + 1);
    return this.text.charCodeAt(p) === DASH && (next === SP || next === NL || p + 1 >= this.text.length);
  }

  /**
   * Where a mapping key starting at `p` ends (its `:`), if the line from `p` is `key:` followed
   * by a space or the line's end; undefined when it is not a key of the subset.
   */
  private keyEnd(p: number, eol: number): number | undefined {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === SQUOTE || c === DQUOTE) {
      const close = this.quoteEnd(p, eol);
      return close < eol && t.charCodeAt(close) === COLON && this.endsToken(close + 1, eol) ? close : undefined;
    }
    if (!this.plainStart(p, eol, false)) return undefined;
    for (let i = p + 1; i < eol; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && this.endsToken(i + 1, eol)) return i;
      if (ch === HASH && t.charCodeAt(i - 1) === SP) return undefined;
    }
    return undefined;
  }

  /**
   * Whether a plain scalar may start at `p`: not at an indicator, except `-`, `?` and `:`
   * followed by a character that is not a space (nor, in a flow collection, a flow indicator).
   */
  private plainStart(p: number, eol: number, flow: boolean): boolean {
    const c = this.text.charCodeAt(p);
    if (!NOT_PLAIN_START.has(c)) return true;
    if (c !== DASH && c !== 0x3f && c !== COLON) return false;
    const next = this.text.charCodeAt(p + 1);
    return p + 1 < eol && next !== SP && !(flow && FLOW_INDICATORS.has(next));
  }

  private endsToken(p: number, eol: number): boolean {
    return p >= eol || this.text.charCodeAt(p) === SP;
  }

  /** Offset just past the closing quote of the quoted scalar at `p` (on this line, or outside the subset). */
  private quoteEnd(p: number, eol: number): number {
    const t = this.text;
    const q = t.charCodeAt(p);
    for (let i = p + 1; i < eol; i++) {
      if (t.charCodeAt(i) !== q) continue;
      if (q === SQUOTE && t.charCodeAt(i + 1) === SQUOTE) {
        i++;
        continue;
      }
      return i + 1;
    }
    return outside();
  }

  private mapping(l: number, col: number): Built {
    const t = this.text;
    const entries: Entries = [MAPPING];
    const data: Record<string, unknown> = {};
    const start = (this.lineStarts[l] as number) + col;
    let end = start;
    let last = l;
    for (;;) {
      const p = (this.lineStarts[l] as number) + col;
      const eol = this.lineEnd(l);
      const colon = this.keyEnd(p, eol);
      // The library refuses a `:` more than 1,024 characters after the key's start.
      if (colon === undefined || colon - p > 1000) return outside();
      const key = this.scalar(p, t.charCodeAt(p) === SQUOTE || t.charCodeAt(p) === DQUOTE ? this.quoteEnd(p, eol) : trimEnd(t, p, colon), true);
      const name = key.value;
      if (typeof name !== 'string' || name === '__proto__' || Object.hasOwn(data, name)) return outside();
      let v = colon + 1;
      while (v < eol && t.charCodeAt(v) === SP) v++;
      let value: Built;
      if (v >= eol || t.charCodeAt(v) === HASH) {
        const next = this.nextContent(l + 1);
        const ni = next === undefined ? -1 : (this.indents[next] as number);
        if (next !== undefined && ni > col) value = this.blockNode(next, ni);
        else if (next !== undefined && ni === col && this.isDash((this.lineStarts[next] as number) + col)) value = this.sequence(next, col);
        else value = this.empty(l, v, eol);
      } else {
        value = this.inline(l, v, eol, col);
      }
      entries.push(name, key.from, key.to, value.from, value.to, value.entries);
      data[name] = value.value;
      end = value.end;
      last = value.last;
      const next = this.nextContent(last + 1);
      if (next === undefined || (this.indents[next] as number) < col) break;
      if (this.indents[next] !== col || this.isDash((this.lineStarts[next] as number) + col)) return outside();
      l = next;
    }
    const tail = this.trailingComments(last, col) ?? end;
    return { from: start, to: end, entries, value: data, end: tail, last };
  }

  private sequence(l: number, col: number): Built {
    const t = this.text;
    const entries: Entries = [SEQUENCE];
    const data: unknown[] = [];
    const start = (this.lineStarts[l] as number) + col;
    let end = start;
    let last = l;
    for (;;) {
      const dash = (this.lineStarts[l] as number) + col;
      const eol = this.lineEnd(l);
      let v = dash + 1;
      while (v < eol && t.charCodeAt(v) === SP) v++;
      let item: Built;
      if (v >= eol || t.charCodeAt(v) === HASH) {
        const next = this.nextContent(l + 1);
        const ni = next === undefined ? -1 : (this.indents[next] as number);
        // An empty item (`-` alone) ends where the library's lexer says, which depends on the
        // comments around it: left to the library (Compose has no use for null items).
        item = next !== undefined && ni > col ? this.blockNode(next, ni) : outside();
      } else if (this.isDash(v)) {
        return outside();
      } else if (this.keyEnd(v, eol) !== undefined) {
        item = this.mapping(l, v - (this.lineStarts[l] as number));
      } else {
        item = this.inline(l, v, eol, col);
      }
      entries.push(item.from, item.to, item.entries);
      data.push(item.value);
      end = item.end;
      last = item.last;
      const next = this.nextContent(last + 1);
      if (next === undefined || (this.indents[next] as number) < col) break;
      if (this.indents[next] !== col) return outside();
      if (!this.isDash((this.lineStarts[next] as number) + col)) break; // the parent mapping's next key
      l = next;
    }
    const tail = this.trailingComments(last, col) ?? end;
    return { from: start, to: end, entries, value: data, end: tail, last };
  }

  /**
   * A value written on the rest of the line from `p`: a scalar or a flow sequence, then at
   * most a comment. `owner` is the column of its key or `-`: a line indented deeper would continue it.
   */
  private inline(l: number, p: number, eol: number, owner: number): Built {
    const t = this.text;
    const c = t.charCodeAt(p);
    let built: Built;
    let after: number;
    if (c === 0x5b || c === 0x7b) {
      built = this.flowCollection(p, eol);
      after = built.end;
    } else if (c === SQUOTE || c === DQUOTE) {
      after = this.quoteEnd(p, eol);
      built = this.scalar(p, after, false);
    } else {
      if (!this.plainStart(p, eol, false)) return outside();
      let i = p;
      for (; i < eol; i++) {
        const ch = t.charCodeAt(i);
        if (ch === HASH && t.charCodeAt(i - 1) === SP) break;
        // `a: b` inside a value is a nested mapping, an error the library reports.
        if (ch === COLON && this.endsToken(i + 1, eol)) return outside();
      }
      after = trimEnd(t, p, i);
      built = this.scalar(p, after, false);
    }
    let q = after;
    while (q < eol && t.charCodeAt(q) === SP) q++;
    if (q < eol && !(t.charCodeAt(q) === HASH && q > after)) return outside();
    // A more indented line after a one-line value would continue it (or be an error).
    const next = this.nextContent(l + 1);
    if (next !== undefined && (this.indents[next] as number) > owner) return outside();
    // Comment-only lines indented deeper than the owner are left to the library too.
    for (let c2 = l + 1; c2 < (next ?? this.indents.length); c2++) if (this.commentIndent(c2) > owner) return outside();
    built.end = this.nodeEnd(eol);
    built.last = l;
    return built;
  }

  /**
   * Where a block collection at column `col` ends for its parent (its range's third offset):
   * when the first comment line after its last entry is indented at least as deep as it, the
   * library's lexer gives it that comment and everything up to the next content
   * (resolve-block-map.js `commentEnd`): to that line's first character, or the text's end.
   * At column 0 the comments that end the text are the document's.
   */
  private trailingComments(last: number, col: number): number | undefined {
    let l = last + 1;
    while (l < this.indents.length && (this.indents[l] as number) < 0 && this.commentIndent(l) < 0) l++;
    if (l >= this.indents.length || (this.indents[l] as number) >= 0 || this.commentIndent(l) < col) return undefined;
    const next = this.nextContent(l);
    if (next === undefined && col === 0) return undefined;
    return next === undefined ? this.text.length : (this.lineStarts[next] as number) + (this.indents[next] as number);
  }

  private commentIndent(l: number): number {
    const start = this.lineStarts[l] as number;
    let p = start;
    while (this.text.charCodeAt(p) === SP) p++;
    return this.text.charCodeAt(p) === HASH ? p - start : -1;
  }

  /** A node's end as the library counts it: past its line's trailing spaces, comment and newline. */
  private nodeEnd(eol: number): number {
    return eol < this.text.length ? eol + 1 : eol;
  }

  /** `[a, 'b', "c"]` or `{k: v, 'k2': "v2"}` on one line, of scalars only; its end is after the closing bracket. */
  private flowCollection(p: number, eol: number): Built {
    const t = this.text;
    const isMap = t.charCodeAt(p) === 0x7b;
    const close = isMap ? 0x7d : 0x5d;
    const entries: Entries = [isMap ? MAPPING : SEQUENCE];
    const list: unknown[] = [];
    const dict: Record<string, unknown> = {};
    let i = this.skipSpaces(p + 1, eol);
    while (t.charCodeAt(i) !== close) {
      const item = this.flowScalar(i, eol, isMap);
      if (isMap) {
        const name = item.value;
        if (typeof name !== 'string' || name === '__proto__' || Object.hasOwn(dict, name)) return outside();
        if (t.charCodeAt(this.pos) !== COLON || t.charCodeAt(this.pos + 1) !== SP) return outside();
        const value = this.flowScalar(this.skipSpaces(this.pos + 1, eol), eol, false);
        entries.push(name, item.from, item.to, value.from, value.to, null);
        dict[name] = value.value;
      } else {
        entries.push(item.from, item.to, null);
        list.push(item.value);
      }
      i = this.pos;
      if (t.charCodeAt(i) === 0x2c) i = this.skipSpaces(i + 1, eol);
      else if (t.charCodeAt(i) !== close) return outside();
    }
    return { from: p, to: i + 1, entries, value: isMap ? dict : list, end: i + 1, last: -1 };
  }

  /** One scalar in a flow collection at `p`; leaves `pos` at the next non-space after it. */
  private flowScalar(p: number, eol: number, atKey: boolean): Built {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (p >= eol) return outside();
    if (c === SQUOTE || c === DQUOTE) {
      const end = this.quoteEnd(p, eol);
      this.pos = this.skipSpaces(end, eol);
      return this.scalar(p, end, atKey);
    }
    if (!this.plainStart(p, eol, true)) return outside();
    let j = p;
    for (; j < eol; j++) {
      const ch = t.charCodeAt(j);
      // A key ends at `: `; anything else that is not plain text here is left to the library.
      if (ch === COLON && atKey && t.charCodeAt(j + 1) === SP) break;
      if (ch === 0x2c || ch === 0x5d || ch === 0x7d) break;
      if (ch === COLON || ch === HASH || ch === 0x5b || ch === 0x7b) return outside();
    }
    this.pos = j;
    return this.scalar(p, trimEnd(t, p, j), atKey);
  }

  private skipSpaces(p: number, eol: number): number {
    while (p < eol && this.text.charCodeAt(p) === SP) p++;
    return p;
  }

  /** The null of `key:` or `-` with nothing after it. */
  // The library places it at the line's end, and it ends there. With a comment on its line or
  // on the lines after it, the library's end follows the comment tokens in ways the subset
  // does not model: left to the library.
  private empty(l: number, v: number, eol: number): Built {
    if (v < eol) return outside();
    const next = this.nextContent(l + 1) ?? this.indents.length;
    for (let c = l + 1; c < next; c++) if (this.commentIndent(c) >= 0) return outside();
    return { from: v, to: v, entries: null, value: this.resolvePlain('', false), end: v, last: l };
  }

  /** The scalar written from `p` to `end` (quotes included for a quoted one). */
  private scalar(p: number, end: number, atKey: boolean): Built {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === SQUOTE || c === DQUOTE) {
      const inner = t.slice(p + 1, end - 1);
      const value = c === SQUOTE ? inner.replaceAll("''", "'") : inner;
      return { from: p, to: end, entries: null, value, end, last: -1 };
    }
    return { from: p, to: end, entries: null, value: this.resolvePlain(t.slice(p, end), atKey), end, last: -1 };
  }

  /** A plain scalar's value, resolved by the first default tag whose test matches (compose-scalar.js). */
  private resolvePlain(source: string, atKey: boolean): unknown {
    const cache = this.resolved[atKey ? 1 : 0] as Map<string, PlainTag | null>;
    let tag = cache.get(source);
    if (tag === undefined) {
      tag = plainTag(source, atKey) ?? null;
      cache.set(source, tag);
    }
    return tag === null ? source : tag.resolve(source);
  }
}

/** Offset after the last non-space character in [p, end). */
function trimEnd(t: string, p: number, end: number): number {
  while (end > p && t.charCodeAt(end - 1) === SP) end--;
  return end;
}
