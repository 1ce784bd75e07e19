import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Plan } from '../model/plan.js';
import { emitRuleSets } from '../emit/emit-rule-sets.js';
import { mixedPlan, planNode, port, seedPlan, service, SETTINGS, task } from '../../test/kernel/sample-plans.js';
import { renderNodeRules } from './render-rules.js';

function renderAll(plan: Plan): Map<string, string> {
  const rs = emitRuleSets(plan, new DiagnosticSink());
  return new Map(rs.nodes.flatMap((n) => renderNodeRules(n)).map((f) => [f.path, f.content]));
}

describe('renderNodeRules', () => {
  it('writes host, ingress and ipvs files per node and one file per local mesh task', () => {
    expect([...renderAll(mixedPlan()).keys()]).toEqual([
      'alpha/host.rules', 'alpha/ingress.rules', 'alpha/ipvs.rules', 'alpha/tasks/mix_api.1.rules', 'alpha/tasks/mix_sig.1.rules',
      'beta/host.rules', 'beta/ingress.rules', 'beta/ipvs.rules', 'beta/tasks/mix_api.2.rules', 'beta/tasks/mix_dns.1.rules',
    ]);
  });

  it('prints the seed host file exactly', () => {
    expect(renderAll(seedPlan(1)).get('node1/host.rules')).toBe(
      [
        '# meshc host rules for node node1 — generated, do not edit',
        '# Load with: iptables-restore --noflush --wait. Hooks are inserted by apply.sh when missing.',
        '# hook: -t nat -I PREROUTING 1 -m addrtype --dst-type LOCAL -j MESHC-INGRESS',
        '# hook: -t nat -I OUTPUT 1 -m addrtype --dst-type LOCAL -j MESHC-INGRESS',
        '# hook: -t nat -I POSTROUTING 1 -j MESHC-POSTROUTING',
        '# hook: -t filter -I FORWARD 1 -j MESHC-FORWARD',
        '*nat',
        ':MESHC-INGRESS - [0:0]',
        ':MESHC-POSTROUTING - [0:0]',
        '-A MESHC-INGRESS -p tcp -m comment --comment "web/ngx 8888/tcp" -m tcp --dport 8888 -j DNAT --to-destination 172.18.0.2:8888',
        '-A MESHC-POSTROUTING -o docker_gwbridge -m comment --comment "web host-local clients" -m addrtype --src-type LOCAL -j MASQUERADE',
        'COMMIT',
        '*filter',
        ':MESHC-FORWARD - [0:0]',
        '-A MESHC-FORWARD -d 172.18.0.2/32 -o docker_gwbridge -m comment --comment "web to ingress sandbox" -m conntrack --ctstate DNAT -j ACCEPT',
        '-A MESHC-FORWARD -s 172.18.0.2/32 -i docker_gwbridge -m comment --comment "web replies from ingress sandbox" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('prints ipvs.rules as ipvsadm -Sn does, nothing else', () => {
    expect(renderAll(seedPlan(2)).get('node2/ipvs.rules')).toBe('-A -f 256 -s rr\n-a -f 256 -r 10.0.0.10:0 -m -w 1\n-a -f 256 -r 10.0.0.11:0 -m -w 1\n');
  });

  it('is byte-identical for identical plans', () => {
    expect([...renderAll(mixedPlan())]).toEqual([...renderAll(mixedPlan())]);
  });

  it('prints user-derived text only as a sanitised, quoted comment', () => {
    const nasty = 'a"b\nCOMMIT\n*filter';
    const svc = service('s', nasty, 256, '10.0.0.8', [port(80, 80)], [task('s', 'ok', 1, 'n1', '10.0.0.5')]);
    const text = renderAll({ stack: 's', settings: SETTINGS, nodes: [planNode('n1', 0)], services: [svc] }).get('n1/host.rules')!;
    expect(text).toContain('--comment "s/a_b_COMMIT__filter 80/tcp"');
    expect(text.match(/^COMMIT$/gm)).toHaveLength(2);
  });

  it('refuses a node name that could escape the output directory (an upstream bug)', () => {
    const plan: Plan = { stack: 's', settings: SETTINGS, nodes: [{ ...planNode('n1', 0), name: '../etc' }], services: [] };
    expect(() => renderAll(plan)).toThrow(/internal: unsafe name/);
  });

  it('refuses a rule token that would break the file (e.g. a bridge name with a newline)', () => {
    const plan: Plan = { ...seedPlan(1), settings: { ...SETTINGS, hostBridge: 'br0\n-A INPUT -j ACCEPT' } };
    expect(() => renderAll(plan)).toThrow(/internal: unsafe rule token/);
  });
});
