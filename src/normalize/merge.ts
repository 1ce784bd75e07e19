/**
 * Several files → one ComposeDocument, as docker/cli's `loader.merge` does: all files
 * must have the same version; services merged by name (merge-service.ts); networks,
 * volumes, secrets and configs replaced per name; top-level `x-` keys kept from the
 * first file only (docker drops the others). `locate` answers with the position in the
 * file that supplied each value.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument, JsonPath } from '../model/compose.js';
import { canonicalService } from '../validate/canonical.js';
import { isRecord } from './context.js';
import { mergeService, type MergeEnv } from './merge-service.js';
import { OriginTrie } from './origin-trie.js';

const TOP_MAPS = ['networks', 'volumes', 'secrets', 'configs'] as const;

/** Merge several validated files in order, as docker/cli's loader merge does (one document: returned as is). */
export function mergeDocuments(docs: readonly ComposeDocument[], sink: DiagnosticSink): ComposeDocument | undefined {
  const [first, ...rest] = docs;
  if (!first) return undefined;
  if (rest.length === 0) return first;
  const mismatched = rest.filter((d) => d.version !== first.version);
  for (const d of mismatched) sink.report(diag('VERSION_MISMATCH', d.locate(['version']), first.version, d.version));
  if (mismatched.length > 0) return undefined;
  const env: MergeEnv = { trie: new OriginTrie(), sink };
  env.trie.record([], { doc: first, path: [] });
  let data = withCanonicalServices(first.data);
  for (const doc of rest) data = mergeInto(env, data, doc);
  const fallback = first.locate([]);
  return {
    version: first.version,
    data,
    files: docs.flatMap((d) => d.files),
    locate: (path: JsonPath) => env.trie.locate(path, fallback),
    locateKey: (path: JsonPath) => env.trie.locateKey(path, fallback),
  };
}

function withCanonicalServices(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!isRecord(data.services)) return { ...data };
  const services = Object.fromEntries(Object.entries(data.services).map(([n, s]) => [n, isRecord(s) ? canonicalService(s) : s]));
  return { ...data, services };
}

function mergeInto(env: MergeEnv, base: Record<string, unknown>, doc: ComposeDocument): Record<string, unknown> {
  const over = withCanonicalServices(doc.data);
  for (const key of Object.keys(over).filter((k) => k.startsWith('x-'))) {
    env.sink.report(diag('TOP_LEVEL_EXTENSION_IGNORED', doc.locateKey([key]), key));
  }
  const out: Record<string, unknown> = { ...base };
  const services: Record<string, unknown> = isRecord(base.services) ? { ...base.services } : {};
  for (const [name, svc] of Object.entries(isRecord(over.services) ? over.services : {})) {
    const at = ['services', name];
    const origin = { doc, path: at };
    const current = services[name];
    if (isRecord(current) && isRecord(svc)) services[name] = mergeService(env, current, { value: svc, origin }, at);
    else {
      env.trie.record(at, origin);
      services[name] = svc;
    }
  }
  out.services = services;
  for (const key of TOP_MAPS) {
    if (!isRecord(over[key])) continue;
    const merged: Record<string, unknown> = isRecord(base[key]) ? { ...base[key] } : {};
    for (const [name, v] of Object.entries(over[key])) {
      env.trie.record([key, name], { doc, path: [key, name] });
      merged[name] = v;
    }
    out[key] = merged;
  }
  return out;
}
