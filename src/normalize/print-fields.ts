/**
 * Field printers for `printConfig`: each turns one plain value into what docker/cli's
 * typed config (cli/compose/types) prints for it, or undefined when `omitempty` drops it.
 */
import { isRecord } from './context.js';
import { ramInBytes } from './sizes.js';
import { formatGoDuration, parseGoDuration } from './duration.js';
import { goKeyCompare, yamlMap, type YamlMap, type YamlValue } from './go-yaml-emit.js';

export type Field = (v: unknown) => YamlValue | undefined;
export type Shape = readonly (readonly [string, Field])[];

export const str: Field = (v) => (v === undefined || v === null || v === '' ? undefined : String(v));
/** Plain Go ints are omitted at 0; pointers (`*uint64`) print whatever was set. */
export const int: Field = (v) => (typeof v === 'number' && v !== 0 ? v : undefined);
export const ptrInt: Field = (v) => (typeof v === 'number' ? v : undefined);
// mapstructure decodeUint: a float is truncated (`uint64(f)`), and reflect's SetUint keeps
// the low bits of a narrower field (`mode: 4294967296` is 0 in a *uint32).
export const ptrUint64: Field = (v) => (typeof v === 'number' ? Math.trunc(v) : undefined);
export const ptrUint32: Field = (v) => (typeof v === 'number' ? Number(BigInt(Math.trunc(v)) & 0xffffffffn) : undefined);
export const bool: Field = (v) => (v === true ? true : undefined);
export const ptrBool: Field = (v) => (typeof v === 'boolean' ? v : undefined);

function durationOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v * 1e9;
  return typeof v === 'string' ? parseGoDuration(v) : undefined;
}
export const ptrDur: Field = (v) => {
  const ns = durationOf(v);
  return ns === undefined ? undefined : formatGoDuration(ns);
};
export const dur: Field = (v) => {
  const ns = durationOf(v);
  return ns === undefined || ns === 0 ? undefined : formatGoDuration(ns);
};

export const strList: Field = (v) => {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : [];
  return list.length > 0 ? list : undefined;
};

function sortedMap(entries: [string, YamlValue][]): YamlMap {
  return yamlMap([...entries].sort(([a], [b]) => goKeyCompare(a, b)));
}

/** `Labels`/`Mapping`: list `k=v` or mapping, values as strings, sorted. */
export function stringMap(bare: '' | null): Field {
  return (v) => {
    let entries: [string, YamlValue][] = [];
    if (Array.isArray(v)) {
      entries = v.map(String).map((s) => (s.includes('=') ? [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] : [s, bare]));
    } else if (isRecord(v)) entries = Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? bare : String(x)]);
    return entries.length > 0 ? sortedMap(entries) : undefined;
  };
}

/** Anything untyped (`x-` extensions): mappings sorted by key, as Go maps print. */
export const anyValue: Field = (v) => {
  if (Array.isArray(v)) return v.map((x) => anyValue(x) ?? null);
  if (isRecord(v)) return sortedMap(Object.entries(v).map(([k, x]) => [k, anyValue(x) ?? null]));
  return v === undefined ? null : (v as YamlValue);
};

/** A typed struct: fields in declaration order, omitted ones dropped, `x-` extras last; `keepEmpty`: a pointer, `{}` when present but empty. */
export function struct(shape: Shape, extras = false, keepEmpty = false): Field {
  return (v) => {
    if (v === undefined || v === null) return undefined;
    const o = isRecord(v) ? v : {};
    const entries: [string, YamlValue][] = [];
    for (const [key, field] of shape) {
      const out = field(o[key]);
      if (out !== undefined) entries.push([key, out]);
    }
    if (extras) {
      const x = Object.keys(o).filter((k) => k.startsWith('x-')).sort(goKeyCompare);
      for (const k of x) entries.push([k, anyValue(o[k]) ?? null]);
    }
    return entries.length > 0 || keepEmpty ? yamlMap(entries) : undefined;
  };
}

export function listOf(item: Field): Field {
  return (v) => (Array.isArray(v) && v.length > 0 ? v.map((x) => item(x) ?? yamlMap([])) : undefined);
}

/** A Go map of typed values: keys sorted; `nullAs` prints a nil pointer value. */
export function mapOf(item: Field, nullAs: YamlValue): Field {
  return (v) => {
    if (!isRecord(v) || Object.keys(v).length === 0) return undefined;
    return sortedMap(Object.entries(v).map(([k, x]) => [k, x === null ? nullAs : (item(x) ?? yamlMap([]))]));
  };
}

/** `UnitBytes` (go-units RAMInBytes: binary multiples, optional b), printed as a string. */
export const bytes: Field = (v) => {
  if (typeof v === 'number') return v === 0 ? undefined : String(v);
  // go-units RAMInBytes, as the loader's transformSize reads it (`1GiB`, `10 kb`, `64m`).
  const n = typeof v === 'string' ? ramInBytes(v) : undefined;
  return n === undefined || n === 0 ? undefined : String(n);
};

/** `ShellCommand`: a string is split as a shell would (shellwords), a list kept. */
export const shell: Field = (v) => {
  if (Array.isArray(v)) return v.length > 0 ? v.map(String) : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const words: string[] = [];
  const re = /(?:[^\s'"\\]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)+/g;
  for (const m of v.matchAll(re)) {
    words.push(m[0].replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)/g, (_, s, d, e) => s ?? (d !== undefined ? d.replace(/\\(.)/g, '$1') : e)));
  }
  return words;
};
