/** meshc's own inventory format (YAML or JSON, `schemas/inventory.schema.json`). */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../model/inventory.js';
import type { NetworkSettings } from '../model/plan.js';
import { isRecord } from '../model/json.js';
import { labelMap } from '../plan/inventory-checks.js';
import { SETTING_KEYS, settingName } from '../plan/settings.js';
import { schemaProblems, type PositionedInput } from './positioned-input.js';

interface RawNode {
  readonly name: string;
  readonly address: string;
  readonly role?: 'manager' | 'worker';
  readonly labels?: unknown;
  readonly engine_labels?: unknown;
}

/** The inventory in `source`, or undefined after reporting every schema problem. */
export function meshcInventory(source: PositionedInput, file: string, sink: DiagnosticSink): Inventory | undefined {
  if (looksLikeAnsible(source.data)) {
    sink.report(diag('INVENTORY_INVALID', source.map.locate([]), '(top level)', 'looks like an Ansible inventory: pass the output of `ansible-inventory -i FILE --list` instead'));
    return undefined;
  }
  const problems = schemaProblems('inventory', source);
  for (const p of problems) sink.report(diag('INVENTORY_INVALID', p.loc, p.path, p.why));
  if (problems.length > 0) return undefined;
  const data = source.data as { nodes: RawNode[]; network?: Record<string, unknown> };
  const nodes: InventoryNode[] = data.nodes.map((n, i) => ({
    name: n.name,
    address: n.address,
    role: n.role ?? 'worker',
    labels: labelMap(n.labels),
    engineLabels: labelMap(n.engine_labels),
    loc: source.map.locate(['nodes', i]),
  }));
  const settings: Record<string, unknown> = {};
  const settingLocs: Partial<Record<keyof NetworkSettings, SourceLoc>> = {};
  for (const key of SETTING_KEYS) {
    const value = data.network?.[settingName(key)];
    if (value === undefined) continue;
    settings[key] = value;
    settingLocs[key] = source.map.locate(['network', settingName(key)]);
  }
  return { source: file, nodes, settings: settings as Partial<NetworkSettings>, settingLocs };
}

/** An Ansible YAML inventory (`all:` with hosts or children) given as is, instead of its --list output. */
function looksLikeAnsible(data: unknown): boolean {
  return isRecord(data) && typeof data['all'] === 'object' && data['all'] !== null && data['nodes'] === undefined;
}
