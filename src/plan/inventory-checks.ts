/**
 * Grammar and uniqueness checks shared by every inventory format. Node names and
 * labels end up in file names, namespace names and shell scripts, so meshc accepts
 * a strict, documented subset (docs/inventory.md) instead of quoting its way around it.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import { isRecord } from '../model/json.js';
import { isSafeFileName, OUTPUT_TREE_ENTRIES } from '../render/quote.js';
import { parseIpv4 } from './ipv4.js';

export const NODE_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
export const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
export const LABEL_VALUE = /^[A-Za-z0-9._:/@+=,-]{0,253}$/;

/** Reports every bad name, label, address and duplicate; returns true when all nodes are fine. */
export function checkNodes(nodes: readonly InventoryNode[], sink: DiagnosticSink): boolean {
  const before = sink.errorCount;
  const byName = new Map<string, InventoryNode>();
  const byAddress = new Map<string, InventoryNode>();
  for (const node of nodes) {
    checkNode(node, sink);
    const unusable = addressProblem(node.address, nodes.length);
    if (unusable) sink.report(diag('INVENTORY_ADDRESS_UNUSABLE', node.loc, node.address, node.name, unusable));
    const sameName = byName.get(node.name);
    if (sameName) sink.report(withFirst('INVENTORY_NODE_DUPLICATE', node, sameName, [node.name]));
    else byName.set(node.name, node);
    const sameAddress = byAddress.get(node.address);
    if (sameAddress) sink.report(withFirst('INVENTORY_ADDRESS_DUPLICATE', node, sameAddress, [node.address, node.name, sameAddress.name]));
    else byAddress.set(node.address, node);
  }
  return sink.errorCount === before;
}

/**
 * Why an address cannot be a VXLAN peer, or undefined. Loopback is fine for a one-node
 * cluster (the default local inventory is 127.0.0.1): there is no peer to reach.
 */
export function addressProblem(address: string, nodeCount: number): string | undefined {
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  const first = ip >>> 24;
  if (ip === 0) return 'the unspecified address';
  if (ip === 0xffffffff) return 'the broadcast address';
  if (first >= 224 && first <= 239) return 'a multicast address';
  if (first === 127 && nodeCount > 1) return 'a loopback address, which no other node can reach';
  return undefined;
}

function checkNode(node: InventoryNode, sink: DiagnosticSink): void {
  // NODE_NAME and the renderer's file-name grammar together (render/quote.ts), and no output tree entry.
  if (!NODE_NAME.test(node.name) || !isSafeFileName(node.name)) sink.report(diag('INVENTORY_NODE_NAME_INVALID', node.loc, node.name, `${NODE_NAME.source} without '..'`));
  else if (OUTPUT_TREE_ENTRIES.includes(node.name)) sink.report(diag('INVENTORY_NODE_NAME_INVALID', node.loc, node.name, `a name other than ${OUTPUT_TREE_ENTRIES.join(' or ')} (output tree entries)`));
  if (parseIpv4(node.address) === undefined) sink.report(diag('INVENTORY_ADDRESS_INVALID', node.loc, node.address, node.name));
  for (const labels of [node.labels, node.engineLabels]) {
    for (const [key, value] of Object.entries(labels)) {
      if (!LABEL_KEY.test(key)) sink.report(diag('INVENTORY_LABEL_INVALID', node.loc, node.name, 'key', key, LABEL_KEY.source));
      if (!LABEL_VALUE.test(value)) sink.report(diag('INVENTORY_LABEL_INVALID', node.loc, node.name, 'value', value, LABEL_VALUE.source));
    }
  }
}

function withFirst(
  code: 'INVENTORY_NODE_DUPLICATE' | 'INVENTORY_ADDRESS_DUPLICATE',
  node: InventoryNode,
  first: InventoryNode,
  args: readonly string[],
) {
  const notes = [{ message: `node '${first.name}' is declared here`, loc: first.loc }];
  return code === 'INVENTORY_NODE_DUPLICATE'
    ? diagWithNotes(code, node.loc, notes, args[0] ?? '')
    : diagWithNotes(code, node.loc, notes, args[0] ?? '', args[1] ?? '', args[2] ?? '');
}

/** Label maps come as YAML/JSON values; numbers and booleans are written as Swarm would store them. Keys sorted, for stable output. */
export function labelMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of entries) out[k] = String(v);
  return out;
}
