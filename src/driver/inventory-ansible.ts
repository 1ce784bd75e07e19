/**
 * The JSON `ansible-inventory -i X --list` prints. Rules (docs/inventory.md):
 * hosts are `_meta.hostvars` plus every group's `hosts`, restricted to group `meshc`
 * when it exists; name from `meshc_name` else the host; address from `meshc_address`,
 * else `ansible_host`, else the host; role from `meshc_role`, else manager when the
 * host is in group `managers` or `meshc_managers` (children included), else worker;
 * labels from `meshc_labels`, engine labels from `meshc_engine_labels` (mappings);
 * network settings from `meshc_network` (the mapping a meshc inventory's `network:` holds,
 * usually a group var of `all` or `meshc`), which must be the same on every node.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../model/inventory.js';
import type { NetworkSettings } from '../model/plan.js';
import { isRecord } from '../model/json.js';
import { labelMap } from '../plan/inventory-checks.js';
import { SETTING_KEYS, SETTING_KINDS, settingName, type SettingKind } from '../plan/settings.js';
import type { PositionedInput } from './positioned-input.js';
import { precompiledValidator } from './precompiled.js';

type Vars = Readonly<Record<string, unknown>>;
interface Group {
  readonly hosts?: unknown;
  readonly children?: unknown;
}
type Listing = Readonly<Record<string, Group>> & { readonly _meta: { readonly hostvars: Readonly<Record<string, Vars>> } };

/** True when `data` looks like `ansible-inventory --list` output. */
export function isAnsibleListing(data: unknown): boolean {
  const meta = (data as { _meta?: { hostvars?: unknown } } | null)?._meta;
  return typeof meta?.hostvars === 'object' && meta.hostvars !== null;
}

export function ansibleInventory(source: PositionedInput, file: string, sink: DiagnosticSink): Inventory | undefined {
  const listing = source.data as Listing;
  const hostvars = listing._meta.hostvars;
  const everyone = new Set([...Object.keys(hostvars), ...Object.keys(listing).flatMap((g) => strings(listing[g]?.hosts))]);
  const scope = listing['meshc'] ? members(listing, 'meshc') : everyone;
  const managers = new Set([...members(listing, 'managers'), ...members(listing, 'meshc_managers')]);
  const before = sink.errorCount;
  const nodes: InventoryNode[] = [...scope].sort().map((host) => {
    const vars = hostvars[host] ?? {};
    const loc = source.map.locate(hostvars[host] ? ['_meta', 'hostvars', host] : []);
    const role = vars['meshc_role'] ?? (managers.has(host) ? 'manager' : 'worker');
    if (role !== 'manager' && role !== 'worker') sink.report(diag('INVENTORY_INVALID', loc, `${host}.meshc_role`, 'must be "manager" or "worker"'));
    for (const key of ['meshc_labels', 'meshc_engine_labels']) {
      const v = vars[key];
      if (v !== undefined && !isRecord(v)) {
        sink.report(diag('INVENTORY_INVALID', source.map.locate(['_meta', 'hostvars', host, key]), `${host}.${key}`, 'must be a mapping'));
      }
    }
    return {
      name: String(vars['meshc_name'] ?? host),
      address: String(vars['meshc_address'] ?? vars['ansible_host'] ?? host),
      role: role === 'manager' ? 'manager' : 'worker',
      labels: labelMap(vars['meshc_labels']),
      engineLabels: labelMap(vars['meshc_engine_labels']),
      loc,
    };
  });
  const network = networkSettings(source, hostvars, [...scope].sort(), sink);
  if (sink.errorCount !== before || !network) return undefined;
  return { source: file, nodes, ...network };
}

const KEY_BY_NAME = new Map(SETTING_KEYS.map((k) => [settingName(k), k]));
const WANT: Readonly<Record<SettingKind, string>> = { string: 'a string', integer: 'an integer', range: 'two integers [first, last]' };

/**
 * What the inventory schema's `network:` (schemas/inventory.schema.json, the one judge of
 * both inventory formats) finds wrong with a `meshc_network` mapping: one problem per
 * setting name, worded for a host var.
 */
function networkProblems(value: Vars): Map<string, string> {
  const errors = precompiledValidator('inventory')({ nodes: [{ name: 'n', address: 'a' }], network: value });
  const out = new Map<string, string>();
  for (const e of errors) {
    const m = /^\/network(?:\/([^/]+))?/.exec(e.instancePath);
    if (!m) continue;
    const name = m[1] !== undefined ? m[1].replace(/~1/g, '/').replace(/~0/g, '~') : e.keyword === 'additionalProperties' ? String(e.params['additionalProperty']) : undefined;
    if (name === undefined || out.has(name)) continue;
    const key = KEY_BY_NAME.get(name);
    if (!key) out.set(name, `is not a network setting (known: ${[...KEY_BY_NAME.keys()].join(', ')})`);
    else if (e.keyword === 'enum') out.set(name, `must be one of ${((e.params['allowedValues'] as unknown[] | undefined) ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
    else out.set(name, `must be ${WANT[SETTING_KINDS[key]]}`);
  }
  return out;
}

/**
 * `meshc_network` of the nodes: one cluster has one network, so every node must carry the
 * same mapping (or none at all). Its shape is checked by the inventory schema's `network:`
 * (networkProblems), its values' meaning by resolveSettings, as for a meshc inventory.
 */
function networkSettings(
  source: PositionedInput,
  hostvars: Readonly<Record<string, Vars>>,
  hosts: readonly string[],
  sink: DiagnosticSink,
): Pick<Inventory, 'settings' | 'settingLocs'> | undefined {
  const carriers = hosts.filter((h) => hostvars[h]?.['meshc_network'] !== undefined);
  const first = carriers[0];
  if (first === undefined) return { settings: {} };
  const where = (host: string, ...path: string[]) => source.map.locate(['_meta', 'hostvars', host, 'meshc_network', ...path]);
  const value = hostvars[first]!['meshc_network'];
  if (!isRecord(value)) {
    sink.report(diag('INVENTORY_INVALID', where(first), `${first}.meshc_network`, 'must be a mapping of network settings (ingress_subnet, vni, …)'));
    return undefined;
  }
  const same = JSON.stringify(value);
  const odd = hosts.find((h) => JSON.stringify(hostvars[h]?.['meshc_network']) !== same);
  if (odd !== undefined) {
    sink.report(diag('INVENTORY_INVALID', where(odd), `${odd}.meshc_network`, `differs from ${first}'s: the cluster has one network, so set it once for all nodes (a group var of all or meshc)`));
    return undefined;
  }
  const settings: Record<string, unknown> = {};
  const settingLocs: Partial<Record<keyof NetworkSettings, ReturnType<typeof where>>> = {};
  const problems = networkProblems(value);
  for (const [name, v] of Object.entries(value)) {
    const key = KEY_BY_NAME.get(name);
    const why = problems.get(name);
    if (why !== undefined || !key) {
      sink.report(diag('INVENTORY_INVALID', where(first, name), `${first}.meshc_network.${name}`, why ?? 'is not a network setting'));
    } else {
      settings[key] = v;
      settingLocs[key] = where(first, name);
    }
  }
  return problems.size === 0 ? { settings: settings as Partial<NetworkSettings>, settingLocs } : undefined;
}

/** Hosts of `group` and, recursively, of its children (cycles ignored). */
function members(listing: Listing, group: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(group)) return out;
  seen.add(group);
  const g = listing[group];
  for (const h of strings(g?.hosts)) out.add(h);
  for (const child of strings(g?.children)) for (const h of members(listing, child, seen)) out.add(h);
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
