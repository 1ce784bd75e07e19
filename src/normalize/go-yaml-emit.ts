/**
 * A YAML emitter that prints like go-yaml v3's encoder with `SetIndent(2)`, which is what
 * `docker stack config` uses: block style, sequences indented under their key, map keys
 * in the order given, strings quoted only when a plain scalar would read back as
 * something else (YAML 1.1 booleans included) or could not be plain at all.
 */

export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlMap;
/** Ordered entries: the printer decides the order (struct field order, or sorted keys). */
export interface YamlMap {
  readonly entries: readonly (readonly [string, YamlValue])[];
}

export function yamlMap(entries: readonly (readonly [string, YamlValue])[]): YamlMap {
  return { entries };
}

const OLD_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const RESOLVES = [
  /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$/,
  /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
];

function resolvesToNonString(s: string): boolean {
  if (s === '' || OLD_BOOL.test(s)) return true;
  return RESOLVES.some((re) => re.test(s));
}

// libyaml's analysis of whether a scalar may be written plain in block context (go-yaml
// v3 emitterc.go `yaml_emitter_analyze_scalar`): a leading `?`, `:` or `-` is an indicator
// only when a blank (or the end) follows, so `:9001` and `:/export` stay plain.
function plainAllowed(s: string): boolean {
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^[?:-](\s|$)/.test(s) || /^---|^\.\.\./.test(s)) return false;
  if (/:(\s|$)| #|[\t\n\r]/.test(s)) return false;
  return !/[\u0000-\u001f\u007f]/.test(s);
}

function doubleQuoted(s: string): string {
  return JSON.stringify(s);
}

export function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  if (resolvesToNonString(v)) return doubleQuoted(v);
  if (plainAllowed(v)) return v;
  // Single quotes (a quote inside doubled) unless a tab or control character forbids them
  // (`yaml_emitter_select_scalar_style`: single_quoted_allowed).
  return /[\n\u0000-\u001f\u007f-\u009f\ufeff]/.test(v) ? doubleQuoted(v) : `'${v.replace(/'/g, "''")}'`;
}

/**
 * go-yaml v3 encoder `stringv` prints a string holding a line break in literal style,
 * unless libyaml's analysis forbids a block scalar (control characters, a space before a
 * break, trailing spaces), when it is double quoted. A leading space or break would need
 * an indentation indicator: meshc double-quotes those (not yet compared with docker).
 */
function literalLines(v: YamlValue): string[] | undefined {
  if (typeof v !== 'string' || !v.includes('\n')) return undefined;
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(v) || / \n/.test(v) || / $/.test(v) || /^[ \n]/.test(v)) return undefined;
  const trailing = /\n*$/.exec(v)?.[0].length ?? 0;
  const chomp = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const body = v.slice(0, v.length - trailing).split('\n');
  return [chomp, ...body, ...Array.from({ length: Math.max(0, trailing - 1) }, () => '')];
}

function pushLiteral(lines: string[], head: string, indent: number, out: string[]): void {
  out.push(`${head} ${lines[0]}`);
  for (const l of lines.slice(1)) out.push(l === '' ? '' : `${' '.repeat(indent)}${l}`);
}

// Arrays have an `entries` method too: test for them first.
function isMap(v: YamlValue): v is YamlMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEmptyCollection(v: YamlValue): string | undefined {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isMap(v) && v.entries.length === 0) return '{}';
  return undefined;
}

function emitValue(v: YamlValue, indent: number, out: string[], prefix: string): void {
  const empty = isEmptyCollection(v);
  const literal = literalLines(v);
  if (literal) pushLiteral(literal, prefix, indent + 2, out);
  else if (empty) out.push(`${prefix} ${empty}`);
  else if (Array.isArray(v)) {
    out.push(prefix);
    for (const item of v) emitItem(item, indent + 2, out);
  } else if (isMap(v)) {
    out.push(prefix);
    emitEntries(v, indent + 2, out);
  } else out.push(`${prefix} ${scalar(v as string | number | boolean | null)}`);
}

function emitEntries(m: YamlMap, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const [k, v] of m.entries) emitValue(v, indent, out, `${pad}${scalar(k)}:`);
}

function emitItem(item: YamlValue, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (isMap(item) && item.entries.length > 0) {
    const lines: string[] = [];
    emitEntries(item, indent + 2, lines);
    lines[0] = `${pad}- ${lines[0]!.slice(indent + 2)}`;
    out.push(...lines);
    return;
  }
  const empty = isEmptyCollection(item);
  const literal = literalLines(item);
  if (literal) pushLiteral(literal, `${pad}-`, indent + 2, out);
  else if (empty) out.push(`${pad}- ${empty}`);
  else if (Array.isArray(item)) {
    const lines: string[] = [];
    for (const x of item) emitItem(x, indent + 2, lines);
    lines[0] = `${pad}- ${lines[0]!.slice(indent + 2)}`;
    out.push(...lines);
  } else out.push(`${pad}- ${scalar(item as string | number | boolean | null)}`);
}

/** The whole document, newline-terminated, as go-yaml v3 prints a top-level mapping. */
export function emitYaml(root: YamlMap): string {
  const out: string[] = [];
  emitEntries(root, 0, out);
  return out.join('\n') + '\n';
}

const isDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);

/**
 * go-yaml v3 sorter.go `keyList.Less` for string keys, the order `docker stack config`
 * prints Go maps in: letters after other characters (so `_` and digits come first),
 * digit runs compared as numbers (`NODE9` before `NODE10`, `WEB_PORT` before
 * `WEBPASSWORD`), otherwise by code point.
 */
export function goKeyCompare(a: string, b: string): number {
  if (a === b) return 0;
  return goKeyLess(a, b) ? -1 : 1;
}

function goKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const [x, y] = [ar[i] as string, br[i] as string];
    if (x === y) {
      digits = isDigit(x);
      continue;
    }
    const [al, bl] = [isLetter(x), isLetter(y)];
    if (al && bl) return x < y;
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x < y;
  }
  return ar.length < br.length;
}
