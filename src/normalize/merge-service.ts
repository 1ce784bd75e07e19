/**
 * One service of an override file merged into the base, with docker/cli's per-field
 * strategies (`mergeServices`: mergo WithOverride + WithAppendSlice + transformers):
 * ports keyed by published port, secrets/configs by source, volumes by target (each
 * re-sorted, and collapsed even when only the base has them), command/entrypoint
 * replaced, logging options merged per driver, other lists appended, mappings merged,
 * scalars overridden unless empty. Every value placed is recorded in the origin trie.
 */
import { parseVolumeSpec } from '../validate/volume-spec.js';
import { diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { isRecord } from './context.js';
import type { Origin, OriginTrie } from './origin-trie.js';
import { expandShortPort } from './port-short.js';

export interface MergeEnv {
  readonly trie: OriginTrie;
  readonly sink: DiagnosticSink;
}

type Entry = { readonly value: unknown; readonly origin: Origin };

const KEYED: Readonly<Record<string, (v: unknown) => string | number | undefined>> = {
  secrets: (v) => (isRecord(v) ? String(v.source) : String(v)),
  configs: (v) => (isRecord(v) ? String(v.source) : String(v)),
  volumes: (v) => (isRecord(v) ? String(v.target) : volumeTarget(String(v))),
};

// docker/cli merge.go `toServiceVolumeConfigsMap` keys by the parsed target (volumespec `Parse`).
function volumeTarget(short: string): string {
  const parsed = parseVolumeSpec(short);
  return parsed.ok ? (parsed.volume.target ?? '') : short;
}

// mergo leaves the base value when the override is the zero value of its Go type.
function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0);
}

// Go maps among the service's fields (the rest are structs): a key the base lacks is added
// whatever its value, as mergo adds missing map keys; in the string maps an empty value
// also replaces the base's (environment's values are pointers: "" keeps the base's).
const GO_MAPS = new Set(['environment', 'labels', 'sysctls']);
const EMPTY_REPLACES = new Set(['labels', 'sysctls']);

/** Generic mergo semantics for one value at merged path `at`. */
export function mergeValue(env: MergeEnv, base: unknown, over: Entry, at: JsonPath): unknown {
  if (isEmpty(over.value)) return base;
  if (isRecord(base) && isRecord(over.value)) {
    const out: Record<string, unknown> = { ...base };
    const field = String(at.at(-1));
    for (const [k, v] of Object.entries(over.value)) {
      const origin = child(over.origin, k);
      if (GO_MAPS.has(field) && (base[k] === undefined || (v === '' && EMPTY_REPLACES.has(field)))) {
        env.trie.record([...at, k], origin);
        out[k] = v;
      } else {
        out[k] = mergeValue(env, base[k], { value: v, origin }, [...at, k]);
      }
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over.value)) {
    over.value.forEach((_, i) => env.trie.record([...at, base.length + i], child(over.origin, i)));
    return [...base, ...over.value];
  }
  env.trie.record(at, over.origin);
  return over.value;
}

function child(o: Origin, key: string | number): Origin {
  return { doc: o.doc, path: [...o.path, key] };
}

/** Entries of a list in the merged tree (base) with their origins. */
function entriesAt(env: MergeEnv, list: unknown, at: JsonPath): Entry[] {
  if (!Array.isArray(list)) return [];
  return list.map((value, i) => ({ value, origin: env.trie.resolve([...at, i])! }));
}

function overEntries(list: unknown, origin: Origin): Entry[] {
  return Array.isArray(list) ? list.map((value, i) => ({ value, origin: child(origin, i) })) : [];
}

/** A keyed list: later entries replace earlier ones with the same key, result sorted by key. */
function mergeKeyed(env: MergeEnv, entries: Entry[], keyOf: (v: unknown) => string | number | undefined, at: JsonPath): unknown[] {
  const byKey = new Map<string | number | undefined, Entry>();
  for (const e of entries) byKey.set(keyOf(e.value), e);
  const sorted = [...byKey.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  sorted.forEach(([, e], i) => env.trie.record([...at, i], e.origin));
  return sorted.map(([, e]) => e.value);
}

/** Ports: short syntax expanded first (the loader does that before merging), keyed by published. */
function mergePorts(env: MergeEnv, entries: Entry[], at: JsonPath): unknown[] {
  const long = entries.flatMap((e): Entry[] => {
    if (isRecord(e.value)) return [e];
    const loc = e.origin.doc.locate(e.origin.path);
    const ports = expandShortPort(String(e.value), loc, env.sink) ?? [];
    return ports.map((p) => ({ value: { mode: p.mode, target: p.target, published: p.published, protocol: p.protocol }, origin: e.origin }));
  });
  const byPublished = new Map<number, Entry>();
  for (const e of long) {
    const published = Number((e.value as Record<string, unknown>).published ?? 0);
    const loser = byPublished.get(published);
    // An override replacing a port is the point of overriding; losing a sibling is a trap.
    if (loser && loser.origin.doc === e.origin.doc) reportReplaced(env, loser, e, published);
    byPublished.set(published, e);
  }
  const sorted = [...byPublished.entries()].sort(([a], [b]) => a - b);
  sorted.forEach(([, e], i) => env.trie.record([...at, i], e.origin));
  return sorted.map(([, e]) => e.value);
}

function reportReplaced(env: MergeEnv, loser: Entry, winner: Entry, published: number): void {
  const loc: SourceLoc = loser.origin.doc.locate(loser.origin.path);
  const note = { message: 'the entry that replaces it', loc: winner.origin.doc.locate(winner.origin.path) };
  env.sink.report(diagWithNotes('PORT_MERGED_AWAY', loc, [note], published));
}

function mergeLogging(env: MergeEnv, base: unknown, over: Entry, at: JsonPath): unknown {
  const b = isRecord(base) ? base : {};
  const o = isRecord(over.value) ? over.value : {};
  const [bd, od] = [String(b.driver ?? ''), String(o.driver ?? '')];
  if (bd === od || bd === '' || od === '') return mergeValue(env, base, over, at);
  env.trie.record(at, over.origin);
  return over.value;
}

// mergeUlimitsConfig: an override's limit replaces the base's whole entry (soft and hard).
function replaceEntries(env: MergeEnv, base: Record<string, unknown>, over: Entry, at: JsonPath): Record<string, unknown> {
  const out = { ...base };
  for (const [name, v] of Object.entries(over.value as Record<string, unknown>)) {
    env.trie.record([...at, name], child(over.origin, name));
    out[name] = v;
  }
  return out;
}

// mergeServiceNetworkConfig: an override's aliases replace the base's; addresses only when set.
function mergeNetworks(env: MergeEnv, base: Record<string, unknown>, over: Entry, at: JsonPath): Record<string, unknown> {
  const out = { ...base };
  for (const [name, cfg] of Object.entries(over.value as Record<string, unknown>)) {
    const b = base[name];
    if (!isRecord(cfg) || !isRecord(b)) {
      if (!(name in base) || isRecord(cfg)) env.trie.record([...at, name], child(over.origin, name));
      out[name] = isRecord(cfg) || !(name in base) ? cfg : b;
      continue;
    }
    const merged: Record<string, unknown> = { ...b, aliases: cfg.aliases };
    for (const k of ['ipv4_address', 'ipv6_address']) if (cfg[k]) merged[k] = cfg[k];
    if (merged.aliases === undefined) delete merged.aliases;
    env.trie.record([...at, name], child(over.origin, name));
    out[name] = merged;
  }
  return out;
}

/** `base` (already in the merged tree at `at`) merged with `over`, both one service's mapping. */
export function mergeService(env: MergeEnv, base: Record<string, unknown>, over: Entry, at: JsonPath): Record<string, unknown> {
  const o = over.value as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base };
  for (const key of new Set([...Object.keys(base), ...Object.keys(o)])) {
    const here = [...at, key];
    const entry = { value: o[key], origin: child(over.origin, key) };
    if (key === 'ports' && base.ports !== undefined) {
      out.ports = mergePorts(env, [...entriesAt(env, base.ports, here), ...overEntries(o.ports, entry.origin)], here);
    } else if (KEYED[key] && base[key] !== undefined) {
      out[key] = mergeKeyed(env, [...entriesAt(env, base[key], here), ...overEntries(o[key], entry.origin)], KEYED[key], here);
    } else if ((key === 'command' || key === 'entrypoint') && !isEmpty(o[key])) {
      env.trie.record(here, entry.origin);
      out[key] = o[key];
    } else if (key === 'networks' && isRecord(o.networks) && isRecord(base.networks)) {
      out.networks = mergeNetworks(env, base.networks, entry, here);
    } else if (key === 'ulimits' && isRecord(o.ulimits) && isRecord(base.ulimits)) {
      out.ulimits = replaceEntries(env, base.ulimits, entry, here);
    } else if (key === 'logging' && key in o && base.logging !== undefined) {
      out.logging = mergeLogging(env, base.logging, entry, here);
    } else if (key in o) {
      out[key] = mergeValue(env, base[key], entry, here);
    }
  }
  return out;
}
