import { describe, expect, it } from 'vitest';
import { mixedPlan, seedPlan } from '../../../test/kernel/sample-plans.js';
import type { Plan } from '../../model/plan.js';
import { renderNftNode } from '../../render/render-nft.js';
import { diffOutputs } from '../../diff/diff-outputs.js';
import { checkConsistency } from '../../../test/support/consistency/check-consistency.js';
import { emitNftRuleSets } from './emit-nft.js';
import { pickTransaction } from '../../render/render-nft.js';
import { explain } from '../../explain/explain.js';
import { emitRuleSets } from '../emit-rule-sets.js';
import { DiagnosticSink } from '../../diagnostics/types.js';
import type { NftTable } from './model.js';

const nft = (plan: Plan): Plan => ({ ...plan, settings: { ...plan.settings, dataplane: 'nftables' } });
const files = (plan: Plan) => emitNftRuleSets(nft(plan)).nodes.flatMap((n) => renderNftNode(n));
const rules = (t: NftTable) => t.chains.reduce((n, c) => n + c.rules.length, 0);

describe('nftables emitter', () => {
  it('puts ports and VIPs in map elements: the rules do not grow with the ports', () => {
    const wide = seedPlan(3);
    const svc = wide.services[0]!;
    const many = { ...wide, services: [{ ...svc, ports: Array.from({ length: 500 }, (_, i) => ({ ...svc.ports[0]!, published: 20000 + i })) }] };
    const [a, b] = [wide, many].map((p) => emitNftRuleSets(nft(p)).nodes[0]!);
    expect([rules(a!.host), rules(a!.ingress), rules(a!.tasks[0]!.table)]).toEqual([3, 4, 7]);
    expect([rules(b!.host), rules(b!.ingress), rules(b!.tasks[0]!.table)]).toEqual([3, 4, 7]);
    expect(b!.host.sets[0]!.elements).toHaveLength(500);
  });

  it('round robin over the tasks in address order, the same on every node; SNAT source per node', () => {
    const nodes = emitNftRuleSets(nft(mixedPlan())).nodes;
    const api = (i: number) => nodes[i]!.ingress.chains.find((c) => c.name === 'svc_256')!.rules[0]!.tokens.join(' ');
    expect(api(0)).toBe('dnat ip to numgen inc mod 2 map { 0 : 10.0.0.21, 1 : 10.0.0.22 }');
    expect(api(1)).toBe(api(0));
    const snat = (i: number) => nodes[i]!.ingress.chains.find((c) => c.name === 'postrouting')!.rules[0]!.tokens.at(-1);
    expect([snat(0), snat(1)]).toEqual(['10.0.0.2', '10.0.0.3']);
    // A service without tasks (idle) and host-mode ports get nothing.
    expect(nodes[0]!.ingress.chains.map((c) => c.name)).toEqual(['prerouting', 'postrouting', 'svc_256', 'svc_257', 'svc_259']);
  });

  it('the health transaction prints the emitted rule (empty chain when no backend is left)', () => {
    const text = files(seedPlan(2)).find((f) => f.path === 'node1/ingress.nft')!.content;
    const tx = pickTransaction('meshc_ingress', 'svc_256', ['10.0.0.10', '10.0.0.11'], 'web/ngx round robin');
    expect(text).toContain(`\t\t${tx.split('\n')[1]!.replace('add rule inet meshc_ingress svc_256 ', '')}\n`);
    expect(pickTransaction('meshc_ingress', 'svc_256', [], 'x')).toBe('flush chain inet meshc_ingress svc_256\n');
  });

  it('the consistency check passes compiled files and finds planted faults', () => {
    const out = files(mixedPlan());
    expect(checkConsistency(out)).toEqual([]);
    const broken = out.map((f) =>
      f.path === 'alpha/ingress.nft' ? { ...f, content: f.content.replace('mod 2 map', 'mod 3 map').replace('tcp . 8080 : goto svc_256', 'tcp . 8080 : goto svc_999') } : f,
    );
    expect(checkConsistency(broken).map((p) => p.message)).toEqual([
      'ports element "tcp . 8080 : goto svc_999" goes to no declared chain',
      'chain svc_256: mod 3 but slots 0,1',
    ]);
    const noPrologue = out.map((f) => (f.path === 'beta/host.nft' ? { ...f, content: f.content.replace(/^delete table.*\n/m, '') } : f));
    expect(checkConsistency(noPrologue).map((p) => p.message)[0]).toMatch(/not preceded by "add table inet meshc_host" and "delete table inet meshc_host"/);
  });

  it('meshc diff reports elements and rules, not layout', () => {
    const before = new Map(files(seedPlan(2)).map((f) => [f.path, f.content]));
    const plan = seedPlan(2);
    const svc = plan.services[0]!;
    const grown = { ...plan, services: [{ ...svc, ports: [...svc.ports, { ...svc.ports[0]!, published: 9999 }], tasks: svc.tasks.slice(0, 1) }] };
    const after = new Map(files(grown).map((f) => [f.path, f.content]));
    const text = diffOutputs(before, after).text;
    expect(text).toContain('  host.nft\n    set published\n      + tcp . 9999\n');
    expect(text).toContain('    chain svc_256\n      - dnat ip to numgen inc mod 2 map { 0 : 10.0.0.10, 1 : 10.0.0.11 }\n      + dnat ip to numgen inc mod 1 map { 0 : 10.0.0.10 }\n');
    expect(text).toContain('tasks/web_ngx.2.nft (removed)');
  });

  it('meshc explain walks the .nft files with file:line for every element and rule', () => {
    const plan = nft(mixedPlan());
    const out = files(plan);
    const { text, found } = explain({ plan, ruleSets: emitRuleSets(plan, new DiagnosticSink()), files: out }, { service: 'dns', port: 5353, protocol: 'udp' });
    expect(found).toBe(true);
    expect(text).not.toContain(':?');
    expect(text).toMatch(/host +alpha\/host\.nft:\d+ +udp \. 5353\n/);
    expect(text).toMatch(/beta\/ingress\.nft:\d+ +dnat ip to numgen inc mod 1 map \{ 0 : 10\.0\.0\.24 \}/);
    expect(text).toMatch(/task +beta\/tasks\/mix_dns\.1\.nft:\d+ +5353 : 53\n/);
    // Each location points at the line it prints.
    for (const m of text.matchAll(/(\S+\.nft):(\d+) +(.*)/g)) {
      const line = out.find((f) => f.path === m[1])!.content.split('\n')[Number(m[2]) - 1]!;
      expect(line.trim().replace(/,$/, '')).toBe(m[3]);
    }
  });
});
