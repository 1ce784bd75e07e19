/**
 * Network settings, resolved by precedence: CLI > inventory `network:` > stack
 * `x-meshc` > Swarm's defaults. Every value is checked here, once, so allocators
 * and emitters can trust the result; a bad value is reported where it was written.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { Inventory, InventoryNode } from '../model/inventory.js';
import type { NetworkSettings } from '../model/plan.js';
import type { StackSettings } from '../model/stack.js';
import { cidrContains, cidrsOverlap, formatIpv4, parseCidr, parseIpv4, type Cidr } from './ipv4.js';

type Key = keyof NetworkSettings;
export type Locate = (key: Key) => SourceLoc | undefined;

const DEFAULTS = {
  ingressSubnet: '10.0.0.0/24',
  gatewaySubnet: '172.18.0.0/16',
  hostBridge: 'meshc_gwbridge',
  vni: 4096,
  vxlanPort: 4789,
  fwmarkBase: 256,
  dynamicPortRange: [30000, 32767] as const,
  dataplane: 'ipvs' as const,
};

/**
 * Every network setting an inventory may carry, with the kind of value it takes (the
 * inventory schema's `network` definition says the same for meshc inventories).
 */
export type SettingKind = 'string' | 'integer' | 'range';
export const SETTING_KINDS: Readonly<Record<Key, SettingKind>> = {
  ingressSubnet: 'string',
  gatewaySubnet: 'string',
  hostBridge: 'string',
  hostBridgeIp: 'string',
  sandboxGatewayIp: 'string',
  vni: 'integer',
  vxlanPort: 'integer',
  fwmarkBase: 'integer',
  dynamicPortRange: 'range',
  dataplane: 'string',
};
export const SETTING_KEYS = Object.keys(SETTING_KINDS) as readonly Key[];

/** `ingressSubnet` → `ingress_subnet`, the spelling users write in inventories and x-meshc. */
export function settingName(key: Key): string {
  return key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

export interface ResolvedSettings {
  readonly values: NetworkSettings;
  /** Where the value in force was written (undefined: default or command line). */
  readonly locate: Locate;
}

/** The settings to plan with, or undefined after reporting every invalid value. */
export function resolveSettings(
  cli: Partial<NetworkSettings>,
  inventory: Inventory,
  stack: StackSettings,
  sink: DiagnosticSink,
): ResolvedSettings | undefined {
  const { loc: stackLoc, ...stackValues } = stack;
  const layers = [cli, inventory.settings, stackValues as Partial<NetworkSettings>];
  const pick = <K extends Key>(key: K): NetworkSettings[K] | undefined =>
    layers.map((l) => l[key]).find((v) => v !== undefined) as NetworkSettings[K] | undefined;
  const locate: Locate = (key) =>
    cli[key] !== undefined ? undefined : inventory.settings[key] !== undefined ? inventory.settingLocs?.[key] : stackLoc;
  const gatewaySubnet = pick('gatewaySubnet') ?? DEFAULTS.gatewaySubnet;
  const gateway = parseCidr(gatewaySubnet);
  // Host-side addresses default to .1/.2 of whatever gateway subnet is in force.
  const hostDefault = (n: number) => (gateway ? formatIpv4(gateway.network + n) : '');
  const settings: NetworkSettings = {
    ingressSubnet: pick('ingressSubnet') ?? DEFAULTS.ingressSubnet,
    gatewaySubnet,
    hostBridge: pick('hostBridge') ?? DEFAULTS.hostBridge,
    hostBridgeIp: pick('hostBridgeIp') ?? hostDefault(1),
    sandboxGatewayIp: pick('sandboxGatewayIp') ?? hostDefault(2),
    vni: pick('vni') ?? DEFAULTS.vni,
    vxlanPort: pick('vxlanPort') ?? DEFAULTS.vxlanPort,
    fwmarkBase: pick('fwmarkBase') ?? DEFAULTS.fwmarkBase,
    dynamicPortRange: pick('dynamicPortRange') ?? DEFAULTS.dynamicPortRange,
    dataplane: pick('dataplane') ?? DEFAULTS.dataplane,
  };
  const before = sink.errorCount;
  checkSettings(settings, locate, sink);
  return sink.errorCount === before ? { values: settings, locate } : undefined;
}

function checkSettings(s: NetworkSettings, locate: Locate, sink: DiagnosticSink): void {
  const bad = (key: Key, why: string) => sink.report(diag('SETTING_INVALID', locate(key), settingName(key), show(s[key]), why));
  const ingress = checkSubnet(s, 'ingressSubnet', bad);
  const gateway = checkSubnet(s, 'gatewaySubnet', bad);
  if (ingress && gateway && cidrsOverlap(ingress, gateway)) {
    // Name the setting that was written (issue 13 item 16): a gateway_subnet moved onto the default ingress subnet is the gateway's fault.
    if (locate('gatewaySubnet') && !locate('ingressSubnet')) bad('gatewaySubnet', `overlaps ingress_subnet ${s.ingressSubnet}`);
    else bad('ingressSubnet', `overlaps gateway_subnet ${s.gatewaySubnet}`);
  }
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,14}$/.test(s.hostBridge)) bad('hostBridge', 'an interface name is 1-15 characters of [A-Za-z0-9_.-]');
  if (gateway) {
    checkHostIp(s, 'hostBridgeIp', gateway, bad);
    checkHostIp(s, 'sandboxGatewayIp', gateway, bad);
    if (s.hostBridgeIp === s.sandboxGatewayIp) bad('sandboxGatewayIp', 'equals host_bridge_ip');
  }
  if (!isIntIn(s.vni, 1, 2 ** 24 - 1)) bad('vni', 'a VXLAN id is 1-16777215');
  if (!isIntIn(s.vxlanPort, 1, 65535)) bad('vxlanPort', 'a UDP port is 1-65535');
  if (!isIntIn(s.fwmarkBase, 1, 2 ** 32 - 1)) bad('fwmarkBase', 'a firewall mark is 1-4294967295');
  const [lo, hi] = s.dynamicPortRange;
  if (!isIntIn(lo, 1, 65535) || !isIntIn(hi, lo, 65535)) bad('dynamicPortRange', 'needs two ports [first, last] with 1 <= first <= last <= 65535');
  if (!DATAPLANES.includes(s.dataplane)) bad('dataplane', `must be one of ${DATAPLANES.join(', ')}`);
}

const DATAPLANES: readonly string[] = ['ipvs', 'nftables'];

function checkSubnet(s: NetworkSettings, key: 'ingressSubnet' | 'gatewaySubnet', bad: (k: Key, why: string) => void): Cidr | undefined {
  const cidr = parseCidr(String(s[key]));
  if (!cidr) bad(key, 'expected an IPv4 network such as 10.0.0.0/24, with the host bits zero');
  else if (cidr.prefix > 29 || cidr.prefix < 8) bad(key, 'the prefix length must be between /8 and /29');
  else return cidr;
  return undefined;
}

function checkHostIp(s: NetworkSettings, key: 'hostBridgeIp' | 'sandboxGatewayIp', gateway: Cidr, bad: (k: Key, why: string) => void): void {
  const ip = parseIpv4(String(s[key]));
  if (ip === undefined) bad(key, 'expected an IPv4 address');
  else if (!cidrContains(gateway, ip) || ip === gateway.network || ip === gateway.network + gateway.size - 1) {
    bad(key, `must be a host address inside gateway_subnet ${s.gatewaySubnet}`);
  }
}

function show(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

function isIntIn(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** A node whose underlay address lies inside the ingress or host-bridge subnet would be unreachable through VXLAN. */
export function checkNodeAddresses(nodes: readonly InventoryNode[], resolved: ResolvedSettings, sink: DiagnosticSink): void {
  for (const key of ['ingressSubnet', 'gatewaySubnet'] as const) {
    const subnet = resolved.values[key];
    const cidr = parseCidr(subnet);
    for (const node of nodes) {
      const ip = parseIpv4(node.address);
      if (!cidr || ip === undefined || !cidrContains(cidr, ip)) continue;
      const at = resolved.locate(key);
      // A note without a position must not say "here": the default was written nowhere.
      const notes = [{ message: at ? `${settingName(key)} is set here` : `${settingName(key)} is ${subnet}, the default or --${settingName(key).replace('_', '-')}`, loc: at }];
      sink.report(diagWithNotes('NODE_ADDRESS_IN_SUBNET', node.loc, notes, node.name, node.address, settingName(key), subnet));
    }
  }
}
