/**
 * Placement constraints and spread descriptors, matched as swarmkit does: key
 * prefixes and operand values compare case-insensitively, label names are case
 * sensitive, and a missing label reads as "" (so `!=` matches it). meshc's node
 * name stands in for both node.id and node.hostname.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Constraint, Service } from '../model/stack.js';

const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';

/** The node's value for `key`, or undefined when meshc cannot know it (Swarm would match no node). */
export function nodeValue(key: string, node: InventoryNode): string | undefined {
  const lower = key.toLowerCase();
  if (lower === 'node.id' || lower === 'node.hostname') return node.name;
  if (lower === 'node.role') return node.role;
  // Every meshc node is Linux: the mesh is iptables and IPVS.
  if (lower === 'node.platform.os') return 'linux';
  if (lower.startsWith(NODE_LABELS) && key.length > NODE_LABELS.length) return node.labels[key.slice(NODE_LABELS.length)] ?? '';
  if (lower.startsWith(ENGINE_LABELS) && key.length > ENGINE_LABELS.length) return node.engineLabels[key.slice(ENGINE_LABELS.length)] ?? '';
  return undefined;
}

export function constraintMatches(c: Constraint, node: InventoryNode): boolean {
  const value = nodeValue(c.key, node);
  if (value === undefined) return false;
  const equal = value.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

/** Reports constraint keys and spread descriptors meshc cannot evaluate; true when all are known. */
export function checkPlacementKeys(service: Service, sink: DiagnosticSink): boolean {
  const probe: InventoryNode = { name: 'x', address: '', role: 'worker', labels: {}, engineLabels: {} };
  let ok = true;
  const items = [...service.placement.constraints.map((c) => ({ key: c.key, loc: c.loc })), ...service.placement.spread.map((s) => ({ key: s.descriptor, loc: s.loc }))];
  for (const { key, loc } of items) {
    if (nodeValue(key, probe) !== undefined) continue;
    sink.report(diag('PLACEMENT_KEY_UNSUPPORTED', loc, key));
    ok = false;
  }
  return ok;
}
