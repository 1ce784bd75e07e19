import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { checkNodeAddresses, resolveSettings } from './settings.js';
import { cluster, inventoryOf, node } from './testing/make.js';
import type { Inventory } from '../model/inventory.js';

const stackLoc = { file: 'stack.yml', line: 40, col: 3 };
const invLoc = { file: 'inv.yml', line: 7, col: 19 };

describe('resolveSettings', () => {
  it("defaults to Swarm's values", () => {
    expect(resolveSettings({}, inventoryOf(cluster(1)), {}, new DiagnosticSink())?.values).toEqual({
      ingressSubnet: '10.0.0.0/24',
      gatewaySubnet: '172.18.0.0/16',
      hostBridge: 'meshc_gwbridge',
      hostBridgeIp: '172.18.0.1',
      sandboxGatewayIp: '172.18.0.2',
      vni: 4096,
      vxlanPort: 4789,
      fwmarkBase: 256,
      dynamicPortRange: [30000, 32767],
      dataplane: 'ipvs',
    });
  });

  it('takes CLI over inventory over stack', () => {
    const inventory = inventoryOf(cluster(1), { vni: 5000, ingressSubnet: '10.1.0.0/24' });
    const stack = { vni: 6000, ingressSubnet: '10.2.0.0/24', fwmarkBase: 1000, loc: stackLoc };
    const s = resolveSettings({ vni: 7000 }, inventory, stack, new DiagnosticSink())?.values;
    expect([s?.vni, s?.ingressSubnet, s?.fwmarkBase]).toEqual([7000, '10.1.0.0/24', 1000]);
  });

  it('selects the dataplane by the same precedence, ipvs by default', () => {
    const stack = { dataplane: 'nftables' as const, loc: stackLoc };
    const pickDataplane = (cli: object, inv: object) => resolveSettings(cli, inventoryOf(cluster(1), inv), stack, new DiagnosticSink())?.values.dataplane;
    expect(pickDataplane({}, {})).toBe('nftables');
    expect(pickDataplane({}, { dataplane: 'ipvs' })).toBe('ipvs');
    expect(pickDataplane({ dataplane: 'nftables' }, { dataplane: 'ipvs' })).toBe('nftables');
    expect(resolveSettings({}, inventoryOf(cluster(1)), {}, new DiagnosticSink())?.values.dataplane).toBe('ipvs');
    const sink = new DiagnosticSink();
    resolveSettings({}, inventoryOf(cluster(1), { dataplane: 'bpf' as never }), {}, sink);
    expect(sink.items.map((d) => d.message)).toEqual(['dataplane "bpf" is invalid: must be one of ipvs, nftables']);
  });

  it('derives the host-side addresses from a changed gateway subnet', () => {
    const s = resolveSettings({}, inventoryOf(cluster(1)), { gatewaySubnet: '172.30.0.0/16' }, new DiagnosticSink())?.values;
    expect([s?.hostBridgeIp, s?.sandboxGatewayIp]).toEqual(['172.30.0.1', '172.30.0.2']);
  });

  it('reports every bad value where it was written', () => {
    const inventory: Inventory = { ...inventoryOf(cluster(1), { vxlanPort: 70000 }), settingLocs: { vxlanPort: invLoc } };
    const sink = new DiagnosticSink();
    const stack = { ingressSubnet: '10.0.0.1/24', dynamicPortRange: [200, 100] as const, loc: stackLoc };
    expect(resolveSettings({ hostBridge: 'a-very-long-bridge-name' }, inventory, stack, sink)).toBeUndefined();
    expect(sink.items.map((d) => [d.code, d.message.split(' ')[0], d.loc?.file])).toEqual([
      ['SETTING_INVALID', 'ingress_subnet', 'stack.yml'],
      ['SETTING_INVALID', 'host_bridge', undefined],
      ['SETTING_INVALID', 'vxlan_port', 'inv.yml'],
      ['SETTING_INVALID', 'dynamic_port_range', 'stack.yml'],
    ]);
  });

  it('rejects overlapping subnets and host addresses outside the gateway subnet', () => {
    const sink = new DiagnosticSink();
    resolveSettings({ ingressSubnet: '172.18.5.0/24', sandboxGatewayIp: '10.9.9.9' }, inventoryOf(cluster(1)), {}, sink);
    expect(sink.items.map((d) => d.message)).toEqual([
      'ingress_subnet "172.18.5.0/24" is invalid: overlaps gateway_subnet 172.18.0.0/16',
      'sandbox_gateway_ip "10.9.9.9" is invalid: must be a host address inside gateway_subnet 172.18.0.0/16',
    ]);
  });

  it('rejects node addresses inside the ingress or host-bridge subnet', () => {
    const sink = new DiagnosticSink();
    const nodes = [node('a1', { address: '10.0.0.7' }), node('a2', { address: '172.18.3.4' }), node('a3', { address: '192.168.0.3' })];
    const resolved = resolveSettings({}, inventoryOf(nodes), {}, sink);
    checkNodeAddresses(nodes, resolved!, sink);
    expect(sink.items.map((d) => d.message.split(':')[0])).toEqual([
      "node 'a1' has address 10.0.0.7, inside ingress_subnet 10.0.0.0/24",
      "node 'a2' has address 172.18.3.4, inside gateway_subnet 172.18.0.0/16",
    ]);
  });
});
