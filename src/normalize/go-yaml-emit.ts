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

// libyaml's analysis of whether a scalar may be written plain in block context.
function plainAllowed(s: string): boolean {
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^-(\s|$)/.test(s) || /^---|^\.\.\./.test(s)) return false;
  if (/: |:$| #|[\t\n\r]/.test(s)) return false;
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
  return /[\n\u0000-\u001f']/.test(v) ? doubleQuoted(v) : `'${v}'`;
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
  if (empty) out.push(`${prefix} ${empty}`);
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
  if (empty) out.push(`${pad}- ${empty}`);
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
