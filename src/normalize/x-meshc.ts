/**
 * meshc's own extensions, checked strictly (unknown keys are errors, so a typo never
 * silently falls back to a default):
 *   services.<s>.x-meshc: { health?: { tcp: { port? } } | { http: { port?, path, status? } }, client_ip?: preserve }
 *   x-meshc: { ingress_subnet, gateway_subnet, vni, vxlan_port, fwmark_base, dynamic_port_range: [lo, hi], dataplane }
 */
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import type { MeshcProbe, Service, StackSettings } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';

type Check = (v: unknown) => string | undefined;

const intIn = (lo: number, hi: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? undefined : `must be an integer from ${lo} to ${hi}`;
const cidr: Check = (v) => {
  const m = typeof v === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v) : null;
  const ok = m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 8 && Number(m[5]) <= 30;
  return ok ? undefined : 'must be an IPv4 subnet a.b.c.d/n with n from 8 to 30';
};
const path: Check = (v) => (typeof v === 'string' && v.startsWith('/') ? undefined : 'must be a string starting with /');
const range: Check = (v) =>
  Array.isArray(v) && v.length === 2 && v.every((n) => !intIn(1, 65535)(n)) && (v[0] as number) <= (v[1] as number)
    ? undefined
    : 'must be [low, high] with 1 <= low <= high <= 65535';

/** Reports unknown keys and bad values of `obj` at `at`; true when all is well. */
function checkFields(ctx: NormalizeContext, at: JsonPath, label: string, obj: Record<string, unknown>, fields: Record<string, Check>, required: readonly string[] = []): boolean {
  let ok = true;
  for (const [key, value] of Object.entries(obj)) {
    const problem = fields[key] ? fields[key](value) : 'is not a known key';
    if (problem) ctx.sink.report(diag('X_MESHC_INVALID', ctx.doc.locateKey([...at, key]), `${label}.${key}`, problem));
    ok &&= !problem;
  }
  for (const key of required.filter((k) => !(k in obj))) {
    ctx.sink.report(diag('X_MESHC_INVALID', ctx.doc.locateKey(at), `${label}.${key}`, 'is required'));
    ok = false;
  }
  return ok;
}

function asMapping(ctx: NormalizeContext, at: JsonPath, label: string, v: unknown): Record<string, unknown> | undefined {
  if (isRecord(v)) return v;
  ctx.sink.report(diag('X_MESHC_INVALID', ctx.doc.locate(at), label, 'must be a mapping'));
  return undefined;
}

// Service-level keys; each is read by its own function below (absent keys are fine).
const SERVICE_FIELDS: Record<string, Check> = {
  health: () => undefined,
  client_ip: (v) => (v === 'preserve' ? undefined : 'must be preserve (the only mode; leave it out for Swarm\'s SNAT)'),
};

/** `client_ip: preserve` with its position; undefined when absent or invalid (serviceProbe reports the problem once). */
export function serviceClientIp(ctx: NormalizeContext, servicePath: JsonPath): Service['clientIp'] {
  const at = [...servicePath, 'x-meshc'];
  const x = valueAt(ctx.doc, at);
  if (!isRecord(x) || x.client_ip !== 'preserve') return undefined;
  return { mode: 'preserve', loc: ctx.doc.locateKey([...at, 'client_ip']) };
}

/** The service's probe, undefined when absent or invalid (reported). */
export function serviceProbe(ctx: NormalizeContext, servicePath: JsonPath): Service['probe'] {
  const at = [...servicePath, 'x-meshc'];
  const raw = valueAt(ctx.doc, at);
  if (raw === undefined) return undefined;
  const x = asMapping(ctx, at, 'x-meshc', raw);
  if (!x || !checkFields(ctx, at, 'x-meshc', x, SERVICE_FIELDS) || x.health === undefined) return undefined;
  const healthAt = [...at, 'health'];
  const health = asMapping(ctx, healthAt, 'x-meshc.health', x.health);
  if (!health) return undefined;
  const kinds = Object.keys(health);
  if (kinds.length !== 1 || (kinds[0] !== 'tcp' && kinds[0] !== 'http')) {
    ctx.sink.report(diag('X_MESHC_INVALID', ctx.doc.locate(healthAt), 'x-meshc.health', 'must have exactly one of tcp or http'));
    return undefined;
  }
  return probeOf(ctx, [...healthAt, kinds[0]], kinds[0], health[kinds[0]] ?? {});
}

function probeOf(ctx: NormalizeContext, at: JsonPath, kind: 'tcp' | 'http', raw: unknown): Service['probe'] {
  const p = raw === null ? {} : asMapping(ctx, at, `x-meshc.health.${kind}`, raw);
  if (!p) return undefined;
  const loc = ctx.doc.locateKey(at);
  const port = p.port as number | undefined;
  if (kind === 'tcp') {
    if (!checkFields(ctx, at, 'x-meshc.health.tcp', p, { port: intIn(1, 65535) })) return undefined;
    return { ...(port === undefined ? { kind } : { kind, port }), loc };
  }
  const fields = { port: intIn(1, 65535), path, status: intIn(100, 599) };
  if (!checkFields(ctx, at, 'x-meshc.health.http', p, fields, ['path'])) return undefined;
  const probe: MeshcProbe = { kind, path: p.path as string, status: (p.status as number | undefined) ?? 200, ...(port === undefined ? {} : { port }) };
  return { ...probe, loc };
}

const SETTINGS: Record<string, [keyof StackSettings, Check]> = {
  ingress_subnet: ['ingressSubnet', cidr],
  gateway_subnet: ['gatewaySubnet', cidr],
  vni: ['vni', intIn(1, 16_777_215)],
  vxlan_port: ['vxlanPort', intIn(1, 65535)],
  fwmark_base: ['fwmarkBase', intIn(1, 4_294_967_295)],
  dynamic_port_range: ['dynamicPortRange', range],
  dataplane: ['dataplane', (v) => (v === 'ipvs' || v === 'nftables' ? undefined : 'must be ipvs or nftables')],
};

/** Top-level `x-meshc`: the stack's network settings (empty object when absent). */
export function stackSettings(ctx: NormalizeContext): StackSettings {
  const raw = valueAt(ctx.doc, ['x-meshc']);
  if (raw === undefined) return {};
  const x = asMapping(ctx, ['x-meshc'], 'x-meshc', raw);
  const checks = Object.fromEntries(Object.entries(SETTINGS).map(([k, [, c]]) => [k, c]));
  if (!x || !checkFields(ctx, ['x-meshc'], 'x-meshc', x, checks)) return {};
  const settings: Record<string, unknown> = { loc: ctx.doc.locateKey(['x-meshc']) };
  for (const [key, value] of Object.entries(x)) settings[SETTINGS[key]![0]] = value;
  return settings as StackSettings;
}
