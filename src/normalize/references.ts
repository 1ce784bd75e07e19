/**
 * References from services to the stack's top-level objects, checked as docker/cli's
 * converter does at deploy time (`undefined network "x"`, `undefined secret "x"`, …),
 * plus swarmkit's refusal to attach a service to the ingress network explicitly.
 */
import { parseVolumeSpec } from '../validate/volume-spec.js';
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { isRecord, valueAt, valueUnder, type NormalizeContext } from './context.js';
import { scopedName } from './names.js';

/** Swarm's real name of top-level network `key`: external ones keep theirs, others are scoped. */
export function networkRealName(stack: string, key: string, net: unknown): string {
  const n = isRecord(net) ? net : {};
  const ext = n.external;
  const extName = isRecord(ext) && typeof ext.name === 'string' ? ext.name : undefined;
  const isExternal = ext === true || isRecord(ext);
  const name = typeof n.name === 'string' ? n.name : undefined;
  if (isExternal) return name ?? extName ?? key;
  return name ?? scopedName(stack, key);
}

/** The error for a name not declared at the top level, with the names that are. */
function undefinedRef(ctx: NormalizeContext, loc: SourceLoc, kind: string, name: string, declared: unknown): void {
  const names = isRecord(declared) ? Object.keys(declared).sort() : [];
  const note = names.length > 0 ? `declared ${kind}s: ${names.join(', ')}` : `no ${kind}s are declared at the top level`;
  ctx.sink.report(diagWithNotes('UNDEFINED_REFERENCE', loc, [{ message: note }], kind, name));
}

function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return isRecord(v) ? Object.keys(v) : [];
}

function checkNetworks(ctx: NormalizeContext, stack: string, servicePath: JsonPath): void {
  const used = valueUnder(ctx.doc, servicePath, 'networks');
  if (used === undefined || used === null) return; // most services: nothing to check, nothing to allocate
  const declared = valueAt(ctx.doc, ['networks']);
  const nets = isRecord(declared) ? declared : {};
  keysOf(used).forEach((name, i) => {
    const at = [...servicePath, 'networks', Array.isArray(used) ? i : name];
    const loc = Array.isArray(used) ? ctx.doc.locate(at) : ctx.doc.locateKey(at);
    if (!(name in nets)) {
      if (name !== 'default') undefinedRef(ctx, loc, 'network', name, declared);
      return;
    }
    const real = networkRealName(stack, name, nets[name]);
    if (real === 'ingress') ctx.sink.report(diag('INGRESS_NETWORK_ATTACHED', loc, real));
  });
}

function checkFileObjects(ctx: NormalizeContext, servicePath: JsonPath, kind: 'secrets' | 'configs'): void {
  const used = valueUnder(ctx.doc, servicePath, kind);
  if (!Array.isArray(used)) return;
  const declared = valueAt(ctx.doc, [kind]);
  used.forEach((item, i) => {
    const source = isRecord(item) ? item.source : item;
    if (typeof source !== 'string' || (isRecord(declared) && source in declared)) return;
    const at = isRecord(item) ? [...servicePath, kind, i, 'source'] : [...servicePath, kind, i];
    undefinedRef(ctx, ctx.doc.locate(at), kind.slice(0, -1), source, declared);
  });
}

// Short syntax "src:dst[:mode]" as docker's loader reads it (volumespec `Parse`): a source
// that is not a path names a volume (`x:/data` is a drive letter there, no volume).
function namedVolumeSource(item: unknown): string | undefined {
  if (isRecord(item)) return item.type === 'volume' && typeof item.source === 'string' && item.source !== '' ? item.source : undefined;
  if (typeof item !== 'string') return undefined;
  const parsed = parseVolumeSpec(item);
  return parsed.ok && parsed.volume.type === 'volume' ? parsed.volume.source : undefined;
}

function checkVolumes(ctx: NormalizeContext, servicePath: JsonPath): void {
  const used = valueUnder(ctx.doc, servicePath, 'volumes');
  if (!Array.isArray(used)) return;
  const declared = valueAt(ctx.doc, ['volumes']);
  used.forEach((item, i) => {
    const source = namedVolumeSource(item);
    if (source === undefined || (isRecord(declared) && source in declared)) return;
    const at = isRecord(item) ? [...servicePath, 'volumes', i, 'source'] : [...servicePath, 'volumes', i];
    undefinedRef(ctx, ctx.doc.locate(at), 'volume', source, declared);
  });
}

// docker/cli cli/compose/convert/service.go `convertServiceConfigObjs`: a credential spec's
// `config` is looked up among the stack's configs like any config reference.
function checkCredentialSpecConfig(ctx: NormalizeContext, servicePath: JsonPath): void {
  const config = valueUnder(ctx.doc, servicePath, 'credential_spec', 'config');
  if (typeof config !== 'string' || config === '') return;
  const declared = valueAt(ctx.doc, ['configs']);
  if (isRecord(declared) && config in declared) return;
  undefinedRef(ctx, ctx.doc.locate([...servicePath, 'credential_spec', 'config']), 'config', config, declared);
}

/** Every reference of one service to networks, secrets, configs and named volumes. */
export function checkReferences(ctx: NormalizeContext, stack: string, servicePath: JsonPath): void {
  checkNetworks(ctx, stack, servicePath);
  checkFileObjects(ctx, servicePath, 'secrets');
  checkFileObjects(ctx, servicePath, 'configs');
  checkCredentialSpecConfig(ctx, servicePath);
  checkVolumes(ctx, servicePath);
}
