/**
 * Hand-written checks of exactly what schemas/lock.schema.json and
 * schemas/inventory.schema.json accept. `meshc validate` runs in a pre-commit hook
 * with the lock file (and often an inventory) on every commit: valid files are
 * accepted here without loading ajv; only a file that fails is handed to ajv, for
 * its detailed, positioned errors. shape-checks.test.ts compares both on generated
 * data so they cannot drift apart.
 */

type Obj = Record<string, unknown>;

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const PORT_KEY = /^[0-9]{1,5}\/(tcp|udp|sctp)$/;
const NODE_KEYS = new Set(['name', 'address', 'role', 'labels', 'engine_labels']);
const NETWORK_STRINGS = new Set(['ingress_subnet', 'gateway_subnet', 'host_bridge', 'host_bridge_ip', 'sandbox_gateway_ip']);
const NETWORK_INTEGERS = new Set(['vni', 'vxlan_port', 'fwmark_base']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(v: Obj, allowed: ReadonlySet<string>): boolean {
  return Object.keys(v).every((k) => allowed.has(k));
}

/** A label value as the schema allows it: ajv's `number` excludes Infinity and NaN (YAML `.inf`, `.nan`). */
function isLabelValue(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isIntIn(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

const values = (v: Obj): unknown[] => Object.values(v);

/** True exactly when `data` satisfies the lock schema. */
export function isLockShape(data: unknown): boolean {
  if (!isObj(data) || !onlyKeys(data, new Set(['version', 'ports', 'fwmarks', 'ips', 'placement'])) || data['version'] !== 1) return false;
  const { ports, fwmarks, ips, placement } = data;
  if (placement !== undefined && !(isObj(placement) && values(placement).every((n) => typeof n === 'string' && n.length > 0))) return false;
  if (!isObj(ports) || !isObj(fwmarks) || !isObj(ips) || !onlyKeys(ips, new Set(['nodes', 'vips', 'tasks']))) return false;
  const portsOk = values(ports).every(
    (byKey) => isObj(byKey) && Object.entries(byKey).every(([k, list]) => PORT_KEY.test(k) && Array.isArray(list) && list.every((p) => isIntIn(p, 1, 65535))),
  );
  const marksOk = values(fwmarks).every((m) => isIntIn(m, 1, 2 ** 32 - 1));
  const ipsOk = ['nodes', 'vips', 'tasks'].every((k) => isObj(ips[k]) && values(ips[k] as Obj).every((ip) => typeof ip === 'string' && IPV4.test(ip)));
  return portsOk && marksOk && ipsOk;
}

/** True exactly when `data` satisfies the inventory schema. */
export function isInventoryShape(data: unknown): boolean {
  if (!isObj(data) || !onlyKeys(data, new Set(['nodes', 'network']))) return false;
  const { nodes, network } = data;
  if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every(isNodeShape)) return false;
  return network === undefined || isNetworkShape(network);
}

function isNodeShape(n: unknown): boolean {
  if (!isObj(n) || !onlyKeys(n, NODE_KEYS) || typeof n['name'] !== 'string' || typeof n['address'] !== 'string') return false;
  if (n['role'] !== undefined && n['role'] !== 'manager' && n['role'] !== 'worker') return false;
  return [n['labels'], n['engine_labels']].every((l) => l === undefined || (isObj(l) && values(l).every(isLabelValue)));
}

function isNetworkShape(n: unknown): boolean {
  if (!isObj(n)) return false;
  return Object.entries(n).every(([k, v]) => {
    if (NETWORK_STRINGS.has(k)) return typeof v === 'string';
    if (NETWORK_INTEGERS.has(k)) return typeof v === 'number' && Number.isInteger(v);
    if (k === 'dynamic_port_range') return Array.isArray(v) && v.length === 2 && v.every((p) => typeof p === 'number' && Number.isInteger(p));
    return false;
  });
}
