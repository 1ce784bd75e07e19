import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { OutputFile } from '../../src/model/rules.js';
import type { Plan, PlanService } from '../../src/model/plan.js';
import { renderNodeRules } from '../../src/render/render-rules.js';
import { mixedPlan, planNode, port, seedPlan, service, SETTINGS, task } from '../kernel/sample-plans.js';
import { emitRuleSets } from '../../src/emit/emit-rule-sets.js';
import { checkConsistency, checkRuleSets } from '../support/consistency/check-consistency.js';

function render(plan: Plan): OutputFile[] {
  return emitRuleSets(plan, new DiagnosticSink()).nodes.flatMap((n) => renderNodeRules(plan, n));
}

/** The seed stack's files for node1, with `path` rewritten by `edit`. */
function broken(path: string, edit: (text: string) => string): string[] {
  const files = render(seedPlan(2)).map((f) => (f.path === path ? { ...f, content: edit(f.content) } : f));
  return checkConsistency(files).map((p) => `${p.file}: ${p.message}`);
}

describe('checkConsistency on emitted output', () => {
  it('finds nothing wrong in the seed and mixed stacks', () => {
    expect(checkConsistency(render(seedPlan(3)))).toEqual([]);
    expect(checkRuleSets(mixedPlan(), emitRuleSets(mixedPlan(), new DiagnosticSink()))).toEqual([]);
  });

  it('finds nothing wrong in any generated plan (property)', () => {
    fc.assert(fc.property(arbitraryPlan(), (plan) => checkConsistency(render(plan)).length === 0), { numRuns: 60 });
  });
});

describe('checkConsistency catches each kind of inconsistency', () => {
  const host = 'node1/host.rules';
  const sbox = 'node1/ingress.rules';
  const ipvs = 'node1/ipvs.rules';
  const task = 'node1/tasks/web_ngx.1.rules';
  const cases: [string, string, (t: string) => string, RegExp][] = [
    ['a table without COMMIT', host, (t) => t.replace('COMMIT\n*filter', '*filter'), /table nat does not end with COMMIT/],
    ['a missing final COMMIT', task, (t) => t.replace(/COMMIT\n$/, ''), /table filter does not end with COMMIT/],
    ['a jump to an undeclared chain', host, (t) => t.replace('-j MASQUERADE', '-j MESHC-NOPE'), /jump to MESHC-NOPE, which is not declared in nat/],
    ['a hook to an undeclared chain', sbox, (t) => t.replace('-j MESHC-VIP\n', '-j MESHC-VIPS\n'), /hook jumps to MESHC-VIPS/],
    ['a hook into the wrong table', host, (t) => t.replace('-t filter -I FORWARD', '-t nat -I FORWARD'), /hook jumps to MESHC-FORWARD, which is not declared in nat/],
    ['a rule before its chain is declared', task, (t) => t.replace(':MESHC-TASK-OUTPUT - [0:0]\n', '').replace(/COMMIT\n$/, ':MESHC-TASK-OUTPUT - [0:0]\nCOMMIT\n'), /MESHC-TASK-OUTPUT, which is not declared/],
    ['a chain without the MESHC- prefix', host, (t) => t.replaceAll('MESHC-FORWARD', 'FWD'), /chain FWD must be named MESHC-/],
    ['a chain name over 28 characters', host, (t) => t.replaceAll('MESHC-FORWARD', 'MESHC-FORWARD-ACCEPTED-CONNECTIONS'), /within 28 characters/],
    ['tables out of order', sbox, (t) => { const [head, mangle, nat] = t.split(/(?=^\*)/m); return `${head}${nat}${mangle}`; }, /table mangle out of order/],
    ['a hook written as a rule', host, (t) => t.replace('COMMIT', '-I PREROUTING 1 -j MESHC-INGRESS\nCOMMIT'), /only "-A <chain> …" rules/],
    ['a rule without a comment', host, (t) => t.replace(/-m comment --comment "[^"]*" -m tcp/, '-m tcp'), /has no -m comment/],
    ['a fwmark with no IPVS service', ipvs, () => '', /fwmark 256 is set in mangle but has no IPVS service/],
    ['an IPVS service never marked', ipvs, (t) => `${t}-A -f 300 -s rr\n-a -f 300 -r 10.0.0.99:0 -m -w 1\n`, /IPVS service 300 is never marked/],
    ['two IPVS services on one fwmark', ipvs, (t) => `${t}-A -f 256 -s rr\n-a -f 256 -r 10.0.0.99:0 -m -w 1\n`, /two IPVS services share fwmark 256/],
    ['an IPVS service with no real server', ipvs, (t) => t.replace(/^-a .*\n/gm, ''), /IPVS service 256 has no real server/],
    ['a real server serving two services', ipvs, (t) => `${t}-A -f 300 -s rr\n-a -f 300 -r 10.0.0.10:0 -m -w 1\n`, /address 10.0.0.10 is a real server of fwmark 256 and 300/],
    ['a real server before its service', ipvs, (t) => `-a -f 256 -r 10.0.0.50:0 -m -w 1\n${t}`, /no IPVS service \(above it\)/],
    ['real servers out of order', ipvs, (t) => t.replace(/(-a .*\n)(-a .*\n)/, '$2$1'), /out of address order/],
    ['a line ipvsadm would not print', ipvs, (t) => `${t}-A -t 10.0.0.9:80 -s wrr\n`, /not an ipvsadm -Sn line/],
    ['one port marked for two services', sbox, (t) => t.replace('COMMIT', '-A MESHC-MARK -m comment --comment "x" -p tcp -m tcp --dport 8888 -j MARK --set-mark 300\nCOMMIT'), /port 8888\/tcp is marked for fwmarks 256 and 300/],
    ['one VIP for two services', sbox, (t) => t.replace('COMMIT', '-A MESHC-VIP -m comment --comment "x" -d 10.0.0.9/32 -j MARK --set-mark 300\nCOMMIT'), /address 10.0.0.9\/32 is marked for fwmarks 256 and 300/],
    ['a VIP that is also a task address', sbox, (t) => t.replace('-d 10.0.0.9/32', '-d 10.0.0.11/32'), /VIP 10.0.0.11 is also a real server/],
    ['a task whose address IPVS does not know', task, (t) => t.replaceAll('10.0.0.10/32', '10.0.0.77/32'), /task address 10.0.0.77 is not a real server/],
    ['a DNAT the sandbox does not mark', host, (t) => t.replace('--dport 8888 -j DNAT', '--dport 8889 -j DNAT'), /port 8889\/tcp is DNATed but not marked/],
  ];
  it.each(cases)('%s', (_name, path, edit, expected) => {
    const problems = broken(path, edit);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('reports a node with a missing file', () => {
    const files = render(seedPlan(1)).filter((f) => f.path !== 'node1/ipvs.rules');
    expect(checkConsistency(files).map((p) => p.message)).toContain('node node1 has no ipvs.rules');
  });
});

/** Plans with 1–4 nodes and 0–6 services; ports unique per protocol across services, task addresses unique. */
function arbitraryPlan(): fc.Arbitrary<Plan> {
  const svc = fc.record({
    ports: fc.uniqueArray(fc.record({ published: fc.integer({ min: 1, max: 200 }), target: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const), host: fc.boolean() }), { maxLength: 4, selector: (p) => `${p.published}/${p.protocol}` }),
    replicas: fc.integer({ min: 0, max: 4 }),
  });
  return fc.record({ nodeCount: fc.integer({ min: 1, max: 4 }), services: fc.array(svc, { maxLength: 6 }) }).map(({ nodeCount, services }) => {
    const nodes = Array.from({ length: nodeCount }, (_, i) => planNode(`n${i}`, i));
    const taken = new Set<string>();
    let ip = 20;
    const out: PlanService[] = services.map((s, i) => {
      const ports = s.ports.filter((p) => !taken.has(`${p.published}/${p.protocol}`)).map((p) => port(p.published, p.target, p.protocol, p.host ? 'host' : 'ingress'));
      ports.forEach((p) => taken.add(`${p.published}/${p.protocol}`));
      const mesh = ports.some((p) => p.mode === 'ingress');
      const tasks = Array.from({ length: s.replicas }, (_, k) => task('st', `s${i}`, k + 1, `n${k % nodeCount}`, mesh ? `10.0.${Math.floor(ip / 250)}.${(ip++ % 250) + 2}` : null));
      return service('st', `s${i}`, mesh ? 256 + i : null, mesh ? `10.1.0.${i + 2}` : null, ports, tasks);
    });
    return { stack: 'st', settings: SETTINGS, nodes, services: out };
  });
}
