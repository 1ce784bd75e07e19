/** Issue 13 items 6 and 7: dynamic ports skip the node's own services; reserved ports follow the settings in force. */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import type { StackSettings } from '../model/stack.js';
import { buildPlan } from './build-plan.js';
import { cluster, inventoryOf, loc, stackOf, svc } from './testing/make.js';

function plan(ports: string[], o: { stack?: StackSettings; inventory?: Inventory['settings']; cli?: { vxlanPort?: number } } = {}) {
  const sink = new DiagnosticSink();
  const inventory = { ...inventoryOf(cluster(2), o.inventory ?? {}), settingLocs: o.inventory ? { vxlanPort: loc(7, 3) } : {} };
  const result = buildPlan(stackOf([svc('w', { ports })], o.stack ?? {}), inventory, { settings: o.cli ?? {} }, sink);
  return { result, sink, codes: sink.items.map((d) => d.code) };
}

describe('dynamic ports never land on a node service', () => {
  it('a range covering 22, 53 and 2375-2377 skips them on every protocol', () => {
    const ports = [...Array(6)].map(() => '80').concat([...Array(6)].map(() => '80/udp'));
    const { result, codes } = plan(ports, { stack: { dynamicPortRange: [20, 2380] } });
    expect(codes).toEqual([]);
    const published = result?.plan.services[0]?.ports.map((p) => `${p.published}/${p.protocol}`);
    expect(published).toEqual(['20/tcp', '21/tcp', '23/tcp', '24/tcp', '25/tcp', '26/tcp', '20/udp', '21/udp', '23/udp', '24/udp', '25/udp', '26/udp']);
  });

  it('a range of only node-service ports is exhausted, not used', () => {
    const { codes, sink } = plan(['80'], { stack: { dynamicPortRange: [2375, 2377] } });
    expect(codes).toEqual(['DYNAMIC_PORTS_EXHAUSTED']);
    expect(sink.items[0]?.message).toContain('0 free');
  });
});

describe('reserved ports follow the settings', () => {
  it('the default VXLAN port 4789/udp, 2377/tcp and 7946/tcp+udp are refused, 4789/tcp and 2377/udp are not', () => {
    const { codes } = plan(['2377:1', '7946:1', '7946:1/udp', '4789:1/udp', '4789:1', '2377:1/udp']);
    expect(codes).toEqual(['PORT_RESERVED', 'PORT_RESERVED', 'PORT_RESERVED', 'PORT_RESERVED']);
  });

  it.each([
    ['the inventory', { inventory: { vxlanPort: 8080 } }],
    ['the command line', { cli: { vxlanPort: 8080 } }],
    ['x-meshc', { stack: { vxlanPort: 8080 } }],
  ] as const)('with vxlan_port 8080 from %s, 8080/udp is refused and 4789/udp is free', (_from, o) => {
    const refused = plan(['8080:80/udp'], o);
    expect(refused.codes).toEqual(['PORT_RESERVED']);
    expect(refused.sink.items[0]?.message).toContain('8080/udp');
    expect(refused.sink.items[0]?.notes?.[0]?.message).toMatch(/^vxlan_port is 8080/);
    expect(plan(['4789:80/udp'], o).codes).toEqual([]);
  });

  it('the note points at the inventory line that moved the VXLAN port', () => {
    const { sink } = plan(['8080:80/udp'], { inventory: { vxlanPort: 8080 } });
    expect(sink.items[0]?.notes?.[0]).toEqual({ message: 'vxlan_port is 8080, set here', loc: loc(7, 3) });
  });

  it('a dynamic range over the moved VXLAN port skips it', () => {
    const { result } = plan(['80/udp', '80/udp'], { stack: { dynamicPortRange: [8079, 8081] }, inventory: { vxlanPort: 8080 } });
    expect(result?.plan.services[0]?.ports.map((p) => p.published)).toEqual([8079, 8081]);
  });
});
