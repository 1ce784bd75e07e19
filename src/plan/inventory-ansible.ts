/**
 * The JSON `ansible-inventory -i X --list` prints. Rules (docs/inventory.md):
 * hosts are `_meta.hostvars` plus every group's `hosts`, restricted to group `meshc`
 * when it exists; name from `meshc_name` else the host; address from `meshc_address`,
 * else `ansible_host`, else the host; role from `meshc_role`, else manager when the
 * host is in group `managers` or `meshc_managers` (children included), else worker;
 * labels from `meshc_labels`, engine labels from `meshc_engine_labels` (mappings).
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../model/inventory.js';
import { labelMap } from './inventory-checks.js';
import type { ParsedSource } from './yaml-source.js';

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

export function ansibleInventory(source: ParsedSource, file: string, sink: DiagnosticSink): Inventory | undefined {
  const listing = source.data as Listing;
  const hostvars = listing._meta.hostvars;
  const everyone = new Set([...Object.keys(hostvars), ...Object.keys(listing).flatMap((g) => strings(listing[g]?.hosts))]);
  const scope = listing['meshc'] ? members(listing, 'meshc') : everyone;
  const managers = new Set([...members(listing, 'managers'), ...members(listing, 'meshc_managers')]);
  const before = sink.errorCount;
  const nodes: InventoryNode[] = [...scope].sort().map((host) => {
    const vars = hostvars[host] ?? {};
    const loc = source.locate(hostvars[host] ? ['_meta', 'hostvars', host] : []);
    const role = vars['meshc_role'] ?? (managers.has(host) ? 'manager' : 'worker');
    if (role !== 'manager' && role !== 'worker') sink.report(diag('INVENTORY_INVALID', loc, `${host}.meshc_role`, 'must be "manager" or "worker"'));
    for (const key of ['meshc_labels', 'meshc_engine_labels']) {
      const v = vars[key];
      if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
        sink.report(diag('INVENTORY_INVALID', source.locate(['_meta', 'hostvars', host, key]), `${host}.${key}`, 'must be a mapping'));
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
  return sink.errorCount === before ? { source: file, nodes, settings: {} } : undefined;
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
