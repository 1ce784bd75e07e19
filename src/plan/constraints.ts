/**
 * Placement constraints and spread descriptors, matched as swarmkit does
 * (manager/constraint/constraint.go `NodeMatches`, manager/scheduler/nodeset.go `tree`):
 * key prefixes and operand values compare case-insensitively, label names are case
 * sensitive, a missing label reads as "" (so `!=` matches it), and a key swarmkit does
 * not know matches no node. meshc's node name stands in for both node.id and
 * node.hostname, its address for node.ip.
 */
import { BlockList, isIP } from 'node:net';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Constraint, Service } from '../model/stack.js';

const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';
/** Keys Swarm knows but an inventory does not record: meshc takes every node to satisfy them (and says so). */
const UNRECORDED = new Set(['node.platform.arch']);

/** The node's value for `key`, or undefined when Swarm knows no such key (it matches no node). */
export function nodeValue(key: string, node: InventoryNode): string | undefined {
  const lower = key.toLowerCase();
  if (lower === 'node.id' || lower === 'node.hostname') return node.name;
  if (lower === 'node.role') return node.role;
  if (lower === 'node.ip') return node.address;
  // Every meshc node is Linux: the mesh is iptables and IPVS.
  if (lower === 'node.platform.os') return 'linux';
  if (lower.startsWith(NODE_LABELS) && key.length > NODE_LABELS.length) return node.labels[key.slice(NODE_LABELS.length)] ?? '';
  if (lower.startsWith(ENGINE_LABELS) && key.length > ENGINE_LABELS.length) return node.engineLabels[key.slice(ENGINE_LABELS.length)] ?? '';
  return undefined;
}

export function constraintMatches(c: Constraint, node: InventoryNode): boolean {
  if (UNRECORDED.has(c.key.toLowerCase())) return true;
  if (c.key.toLowerCase() === 'node.ip') return ipMatches(c, node.address);
  const value = nodeValue(c.key, node);
  if (value === undefined) return false;
  const equal = value.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

/** swarmkit's node.ip case: one address or a CIDR subnet; a malformed operand matches no node, whatever the operator. */
function ipMatches(c: Constraint, address: string): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  let hit: boolean;
  if (isIP(c.value)) {
    const list = new BlockList();
    list.addAddress(c.value, isIP(c.value) === 6 ? 'ipv6' : 'ipv4');
    hit = list.check(address, family);
  } else {
    const [ip = '', bits = ''] = c.value.split('/');
    if (!isIP(ip) || !/^[0-9]+$/.test(bits)) return false;
    const list = new BlockList();
    try {
      list.addSubnet(ip, Number(bits), isIP(ip) === 6 ? 'ipv6' : 'ipv4');
    } catch {
      return false;
    }
    hit = list.check(address, family);
  }
  return c.op === '==' ? hit : !hit;
}

/** Warns about keys an inventory cannot answer (meshc then takes every node to satisfy them). */
export function checkPlacementKeys(service: Service, sink: DiagnosticSink): void {
  for (const c of service.placement.constraints) {
    if (UNRECORDED.has(c.key.toLowerCase())) sink.report(diag('PLACEMENT_KEY_UNSUPPORTED', c.loc, c.key));
  }
}
