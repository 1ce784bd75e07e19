// client_ip: preserve on the iptables + IPVS dataplane (docs/client-ip.md): the per-node values and the rules as data.
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import { seedPlan } from '../../test/kernel/sample-plans.js';
import { returnHops, sandboxMac } from './client-ip.js';
import { emitRuleSets } from './emit-rule-sets.js';

const preserving = (plan: Plan): Plan => ({ ...plan, services: plan.services.map((s) => ({ ...s, clientIp: 'preserve' as const })) });
const lines = (tables: readonly { name: string; chains: readonly { name: string; rules: readonly { args: readonly string[] }[] }[] }[], table: string) =>
  tables.filter((t) => t.name === table).flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => `${c.name}: ${r.args.join(' ')}`)));

describe('return hops: every value from the node ingress address', () => {
  it('puts the host part in the mark’s top bits, the table at 20000 + host part, the address in the MAC', () => {
    expect(returnHops(seedPlan(3)).map((h) => [h.node, h.gateway, h.mac, h.mark, h.mask, h.table])).toEqual([
      ['node1', '10.0.0.2', '02:42:0a:00:00:02', '0x2000000', '0xff000000', 20002],
      ['node2', '10.0.0.3', '02:42:0a:00:00:03', '0x3000000', '0xff000000', 20003],
      ['node3', '10.0.0.4', '02:42:0a:00:00:04', '0x4000000', '0xff000000', 20004],
    ]);
  });

  it('scales with the ingress subnet: a /16 leaves 16 bits for 65534 nodes', () => {
    const plan = seedPlan(1);
    const wide: Plan = { ...plan, settings: { ...plan.settings, ingressSubnet: '10.1.0.0/16' }, nodes: [{ ...plan.nodes[0]!, ingressIp: '10.1.255.254' }] };
    expect(returnHops(wide)[0]).toMatchObject({ mark: '0xfffe0000', mask: '0xffff0000', table: 20000 + 65534, mac: '02:42:0a:01:ff:fe' });
    expect(sandboxMac({ ingressIp: '192.168.0.10' })).toBe('02:42:c0:a8:00:0a');
  });

  it('refuses a node address outside the subnet (a planner bug)', () => {
    const plan = seedPlan(1);
    expect(() => returnHops({ ...plan, nodes: [{ ...plan.nodes[0]!, ingressIp: '10.9.0.2' }] })).toThrow(/internal/);
  });
});

describe('rules a preserving service adds', () => {
  const plain = emitRuleSets(seedPlan(3), new DiagnosticSink());
  const kept = emitRuleSets(preserving(seedPlan(3)), new DiagnosticSink());

  it('exempts its fwmark from the sandbox SNAT, for sources outside the ingress subnet only', () => {
    expect(lines(kept.nodes[1]!.ingress.tables, 'nat')).toEqual([
      'MESHC-SNAT: ! -s 10.0.0.0/24 -m mark --mark 0x100 -j RETURN',
      'MESHC-SNAT: -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.3',
    ]);
    expect(lines(plain.nodes[1]!.ingress.tables, 'nat')).toHaveLength(1);
  });

  it('saves the ingress node per MAC and restores it on replies, hooked into mangle', () => {
    const task = kept.nodes[0]!.tasks[0]!;
    expect(lines(task.rules.tables, 'mangle')).toEqual([
      ...['2', '3', '4'].map((h) => `MESHC-RETURN-IN: ! -s 10.0.0.0/24 -d 10.0.0.10/32 -m mac --mac-source 02:42:0a:00:00:0${h} -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x${h}000000/0xff000000`),
      'MESHC-RETURN-IN: -d 10.0.0.10/32 -m connmark ! --mark 0x0/0xff000000 -j CONNMARK --restore-mark --nfmask 0xff000000 --ctmask 0xff000000',
      'MESHC-RETURN-OUT: -s 10.0.0.10/32 -m connmark ! --mark 0x0/0xff000000 -j CONNMARK --restore-mark --nfmask 0xff000000 --ctmask 0xff000000',
    ]);
    expect(task.rules.hooks.filter((h) => h.table === 'mangle').map((h) => `${h.builtin} ${h.target}`)).toEqual(['PREROUTING MESHC-RETURN-IN', 'OUTPUT MESHC-RETURN-OUT']);
    expect(task.rules.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => r.comment))).filter((c) => c.includes('client_ip'))[0]).toBe('web/ngx client_ip via node1');
  });

  it('leaves every other rule as it was', () => {
    const withoutReturn = (rs: typeof kept) => JSON.stringify(rs.nodes.map((n) => [n.host, n.ipvs, n.tasks.map((t) => t.rules.tables.filter((x) => x.name !== 'mangle'))]));
    expect(withoutReturn(kept)).toBe(withoutReturn(plain));
    expect(plain.nodes[0]!.tasks[0]!.rules.tables.map((t) => t.name)).toEqual(['nat', 'filter']);
  });
});
