import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import type { Ruleset } from '../model/rules.js';
import { renderNodeRules } from '../render/render-rules.js';
import { mixedPlan, planNode, port, seedPlan, service, SETTINGS, task } from '../../test/kernel/sample-plans.js';
import { emitRuleSets } from './emit-rule-sets.js';

function emit(plan: Plan): { rs: ReturnType<typeof emitRuleSets>; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  return { rs: emitRuleSets(plan, sink), sink };
}

/** `chain: args…` lines of one table, for readable expectations. */
function lines(rs: Ruleset, table: string): string[] {
  const t = rs.tables.find((x) => x.name === table);
  return (t?.chains ?? []).flatMap((c) => c.rules.map((r) => `${c.name}: ${r.args.join(' ')}`));
}

describe('emitRuleSets on the seed stack (ngx 8888:80, 3 nodes)', () => {
  const plan = seedPlan(3);
  const { rs, sink } = emit(plan);

  it('DNATs the published port to the sandbox on every node, keeping the port', () => {
    for (const n of rs.nodes) {
      expect(lines(n.host, 'nat')).toEqual([
        'MESHC-INGRESS: -p tcp -m tcp --dport 8888 -j DNAT --to-destination 172.18.0.2:8888',
        'MESHC-POSTROUTING: -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE',
      ]);
      expect(lines(n.host, 'filter')).toHaveLength(2);
    }
    expect(sink.items).toEqual([]);
  });

  it('marks port and VIP with the same fwmark on every node; SNATs to each node’s own ingress IP', () => {
    rs.nodes.forEach((n, i) => {
      expect(lines(n.ingress, 'mangle')).toEqual([
        'MESHC-MARK: -p tcp -m tcp --dport 8888 -j MARK --set-mark 256',
        'MESHC-VIP: -d 10.0.0.9/32 -j MARK --set-mark 256',
      ]);
      expect(lines(n.ingress, 'nat')).toEqual([`MESHC-SNAT: -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.${2 + i}`]);
    });
  });

  it('balances to all three tasks from every node, and gives each node only its own task', () => {
    for (const n of rs.nodes) {
      expect(n.ipvs.map((s) => [s.fwmark, s.reals.map((r) => r.ip)])).toEqual([[256, ['10.0.0.10', '10.0.0.11', '10.0.0.12']]]);
      expect(n.tasks).toHaveLength(1);
    }
    expect(rs.nodes.map((n) => n.tasks[0]?.task)).toEqual(['web_ngx.1', 'web_ngx.2', 'web_ngx.3']);
  });

  it('redirects published → target inside the task and drops the rest in Docker’s order', () => {
    const t = rs.nodes[1]!.tasks[0]!;
    expect(lines(t.rules, 'nat')).toEqual(['MESHC-REDIRECT: -d 10.0.0.11/32 -p tcp -m tcp --dport 8888 -j REDIRECT --to-ports 80']);
    expect(lines(t.rules, 'filter')).toEqual([
      'MESHC-TASK-INPUT: -d 10.0.0.11/32 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT',
      'MESHC-TASK-INPUT: -d 10.0.0.11/32 -p sctp -j DROP',
      'MESHC-TASK-INPUT: -d 10.0.0.11/32 -p udp -j DROP',
      'MESHC-TASK-INPUT: -d 10.0.0.11/32 -p tcp -j DROP',
      'MESHC-TASK-OUTPUT: -s 10.0.0.11/32 -p tcp -m tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT',
      'MESHC-TASK-OUTPUT: -s 10.0.0.11/32 -p sctp -j DROP',
      'MESHC-TASK-OUTPUT: -s 10.0.0.11/32 -p udp -j DROP',
      'MESHC-TASK-OUTPUT: -s 10.0.0.11/32 -p tcp -j DROP',
    ]);
  });
});

describe('emitRuleSets on a mixed stack', () => {
  const { rs } = emit(mixedPlan());
  const alpha = rs.nodes[0]!;

  it('gives host-mode ports, port-less services and task-less services no mesh rules', () => {
    const nat = lines(alpha.host, 'nat').join('\n');
    expect(nat).not.toMatch(/--dport (9000|9100|7000) /);
    expect(alpha.ipvs.map((s) => s.fwmark)).toEqual([256, 257, 259]);
    expect(rs.nodes.flatMap((n) => n.tasks.map((t) => t.task))).toEqual(['mix_api.1', 'mix_sig.1', 'mix_api.2', 'mix_dns.1']);
  });

  it('keeps tcp and udp on one port apart, and sctp as its own protocol', () => {
    const marks = lines(alpha.ingress, 'mangle');
    expect(marks).toContain('MESHC-MARK: -p udp -m udp --dport 5353 -j MARK --set-mark 257');
    expect(marks).toContain('MESHC-MARK: -p tcp -m tcp --dport 5353 -j MARK --set-mark 257');
    expect(marks).toContain('MESHC-MARK: -p sctp -m sctp --dport 3868 -j MARK --set-mark 259');
  });

  it('accepts a target shared by two published ports once', () => {
    const api = alpha.tasks.find((t) => t.task === 'mix_api.1')!;
    expect(lines(api.rules, 'nat')).toHaveLength(3);
    expect(lines(api.rules, 'filter').filter((l) => l.includes('--dport 80 '))).toHaveLength(1);
  });

  it('sorts real servers numerically (10.0.0.9 before 10.0.0.10)', () => {
    const nodes = [planNode('n1', 0)];
    const tasks = [task('s', 'a', 1, 'n1', '10.0.0.10'), task('s', 'a', 2, 'n1', '10.0.0.9')];
    const { rs: r } = emit({ stack: 's', settings: SETTINGS, nodes, services: [service('s', 'a', 256, '10.0.0.8', [port(80, 80)], tasks)] });
    expect(r.nodes[0]!.ipvs[0]!.reals.map((x) => x.ip)).toEqual(['10.0.0.9', '10.0.0.10']);
  });
});

describe('emitRuleSets edge cases', () => {
  it('declares every chain, empty, when nothing is published, and prints an empty ipvs.rules', () => {
    const plan: Plan = { stack: 's', settings: SETTINGS, nodes: [planNode('n1', 0)], services: [] };
    const { rs } = emit(plan);
    const n = rs.nodes[0]!;
    expect(n.host.tables.flatMap((t) => t.chains.map((c) => [c.name, c.rules.length]))).toEqual([
      ['MESHC-INGRESS', 0], ['MESHC-POSTROUTING', 0], ['MESHC-FORWARD', 0],
    ]);
    expect(n.ingress.tables.flatMap((t) => t.chains.map((c) => c.rules.length))).toEqual([0, 0, 0]);
    const ipvs = renderNodeRules(n).find((f) => f.path === 'n1/ipvs.rules');
    expect(ipvs?.content).toBe('');
  });

  it('throws an internal error on a plan with an ingress port but no fwmark (a planner bug, not user input)', () => {
    const svc = service('s', 'a', null, null, [port(80, 80)], [task('s', 'a', 1, 'n1', '10.0.0.5')]);
    expect(() => emit({ stack: 's', settings: SETTINGS, nodes: [planNode('n1', 0)], services: [svc] })).toThrow(/internal/);
  });
});
