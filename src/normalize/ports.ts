/**
 * Ports: short and long syntax collapse into PortSpec, exactly as docker/cli's loader
 * (`toServicePortConfigs` → `ConvertPortToPortConfig`) and the daemon's enum lookup do:
 * moby daemon/cluster/convert/service.go `endpointSpecToGRPC` looks the upper-cased
 * protocol and mode up in swarmkit's enums, where an unknown string is 0 (TCP, INGRESS).
 * meshc warns and compiles that.
 */
import { diag } from '../diagnostics/catalog.js';
import type { SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import type { PortSpec, Protocol, PublishMode } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';
import { expandShortPort } from './port-short.js';

/** One port as the loader holds it (`types.ServicePortConfig`): strings not yet checked. */
export interface LoosePort {
  readonly target: number;
  readonly published: number;
  readonly protocol: string;
  readonly mode: string;
  /** Where the port is (long syntax: its published value). */
  readonly loc: SourceLoc;
  /** Position of one field (long syntax), computed only when a problem is reported. */
  readonly fieldLoc?: (field: 'target' | 'protocol' | 'mode') => SourceLoc;
}

const PROTOCOLS: readonly string[] = ['tcp', 'udp', 'sctp'];
const MODES: readonly string[] = ['ingress', 'host'];

/** `swarm.PortConfig.Compare`: published, target, protocol, mode. */
export function comparePorts(a: PortSpec, b: PortSpec): number {
  return a.published - b.published || a.target - b.target || cmp(a.protocol, b.protocol) || cmp(a.mode, b.mode);
}
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Long syntax as the loader reads it: missing keys stay at their zero values. */
export function longPort(ctx: NormalizeContext, path: JsonPath, item: Record<string, unknown>): LoosePort {
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const at = (key: string): SourceLoc => ctx.doc.locate(key in item ? [...path, key] : path);
  const [target, published, protocol, mode] = [num(item.target), num(item.published), str(item.protocol), str(item.mode)];
  return { target, published, protocol, mode, loc: at('published'), fieldLoc: at };
}

/** Every entry of `services.<name>.ports`, in the loader's order (short syntax expanded). */
export function loosePorts(ctx: NormalizeContext, servicePath: JsonPath): LoosePort[] {
  const list = valueAt(ctx.doc, [...servicePath, 'ports']);
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, i): LoosePort[] => {
    const path = [...servicePath, 'ports', i];
    if (isRecord(item)) return [longPort(ctx, path, item)];
    if (typeof item === 'string' || typeof item === 'number') {
      return expandShortPort(String(item), ctx.doc.locate(path), ctx.sink) ?? [];
    }
    return [];
  });
}

/** Daemon semantics (case folded, '' = tcp/ingress), unknown strings and out-of-range numbers reported. */
export function toPortSpec(ctx: NormalizeContext, p: LoosePort): PortSpec | undefined {
  let protocol = (p.protocol === '' ? 'tcp' : p.protocol.toLowerCase()) as Protocol;
  let mode = (p.mode === '' ? 'ingress' : p.mode.toLowerCase()) as PublishMode;
  let ok = true;
  const fail = (d: ReturnType<typeof diag>): void => {
    ctx.sink.report(d);
    ok = false;
  };
  const at = (field: 'target' | 'protocol' | 'mode'): SourceLoc => p.fieldLoc?.(field) ?? p.loc;
  if (!PROTOCOLS.includes(protocol)) {
    ctx.sink.report(diag('PORT_PROTOCOL_UNKNOWN', at('protocol'), p.protocol));
    protocol = 'tcp';
  }
  if (!MODES.includes(mode)) {
    ctx.sink.report(diag('PORT_MODE_UNKNOWN', at('mode'), p.mode));
    mode = 'ingress';
  }
  if (!Number.isInteger(p.target) || p.target < 1 || p.target > 65535) fail(diag('PORT_OUT_OF_RANGE', at('target'), 'target', p.target));
  if (!Number.isInteger(p.published) || p.published < 0 || p.published > 65535) {
    fail(diag('PORT_OUT_OF_RANGE', p.loc, 'published', p.published));
  }
  return ok ? { target: p.target, published: p.published, protocol, mode, loc: p.loc } : undefined;
}

/** The service's ports, normalised and sorted as Swarm sorts them. */
export function normalizePorts(ctx: NormalizeContext, servicePath: JsonPath): PortSpec[] {
  const ports = loosePorts(ctx, servicePath)
    .map((p) => toPortSpec(ctx, p))
    .filter((p): p is PortSpec => p !== undefined);
  // Array.prototype.sort allocates a work array even for two elements, and most services
  // publish one or two ports: sorted in place by insertion (stable, as sort is) below that.
  return ports.length > 8 ? ports.sort(comparePorts) : insertionSort(ports, comparePorts);
}

function insertionSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    for (; j >= 0 && compare(items[j] as T, item) > 0; j--) items[j + 1] = items[j] as T;
    items[j + 1] = item;
  }
  return items;
}
