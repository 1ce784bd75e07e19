/**
 * Every file of the nftables dataplane passes `nft -c` and loads in a fresh network
 * namespace; loading it again leaves the ruleset as it was; a foreign table planted
 * before survives; random plans give files that load; and the rule count (rules with
 * handles, not elements) of a node does not grow with the number of published ports.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan, PlanService } from '../../src/model/plan.js';
import type { Protocol } from '../../src/model/stack.js';
import { addNs, deleteNs, inNs, nsName } from './netns.js';
import { asNftables, nftCheck, nftFiles, nftLoad, ruleCount, ruleset, nftSkipReason } from './nft-helpers.js';
import { SETTINGS, mixedPlan, planNode, port, seedPlan, service, task } from './sample-plans.js';

const skip = nftSkipReason();
const created: string[] = [];
afterAll(() => created.forEach(deleteNs));

function freshNs(tag: string): string {
  const ns = nsName(tag);
  addNs(ns);
  created.push(ns);
  return ns;
}

const FOREIGN = 'table inet foreign_keep {\n\tchain input {\n\t\ttype filter hook input priority 10; policy accept;\n\t\ttcp dport 1 accept\n\t}\n}\n';

/** A plan with `services` services spreading `ports` published ports, one task per node each. */
function widePlan(services: number, ports: number): Plan {
  const nodes = [planNode('n1', 0), planNode('n2', 1)];
  const list: PlanService[] = [];
  for (let s = 0; s < services; s++) {
    const own = Array.from({ length: Math.ceil(ports / services) }, (_, i) => s + i * services).filter((i) => i < ports);
    const protocols: Protocol[] = ['tcp', 'udp'];
    const tasks = nodes.map((n, i) => task('w', `s${s}`, i + 1, n.name, ipOf(100 + s * 2 + i)));
    list.push(service('w', `s${s}`, 256 + s, ipOf(10 + s), own.map((i) => port(10000 + i, 80, protocols[i % 2]!)), tasks));
  }
  return asNftables({ stack: 'w', settings: { ...SETTINGS, ingressSubnet: '10.0.0.0/16' }, nodes, services: list });
}

function ipOf(n: number): string {
  return `10.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
}

describe.skipIf(skip !== null)(`nftables files in a real kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  for (const [label, plan] of [['seed, 3 nodes', seedPlan(3)], ['mixed protocols', mixedPlan()]] as const) {
    it(`${label}: every file checks, loads, reloads to the same ruleset, and leaves a foreign table alone`, () => {
      for (const f of nftFiles(plan)) {
        const ns = freshNs('ld');
        nftCheck(ns, f.content);
        expect(ruleset(ns), `${f.path}: nft -c changed nothing`).toBe('');
        nftLoad(ns, FOREIGN);
        nftLoad(ns, f.content);
        const first = ruleset(ns);
        nftLoad(ns, f.content);
        expect(ruleset(ns), f.path).toBe(first);
        expect(first).toContain('table inet foreign_keep');
        expect(first).toMatch(/table inet meshc_(host|ingress|task) \{/);
        deleteNs(ns);
      }
    });
  }

  it('per node, the rule count is the same for 10 and 1,000 published ports (only elements grow)', () => {
    const counts = [10, 1000].map((ports) => {
      const files = nftFiles(widePlan(5, ports)).filter((f) => f.path.startsWith('n1/'));
      const ns = freshNs('rc');
      let rules = 0;
      for (const f of files) {
        const table = /^table inet (\S+) \{/m.exec(f.content)?.[1] ?? '';
        // Task tables share a name: each goes into the namespace alone, as on a node.
        nftLoad(ns, f.content);
        rules += ruleCount(ns, 'inet', table);
        inNs(ns, ['nft', 'delete', 'table', 'inet', table]);
      }
      deleteNs(ns);
      return { files: files.length, rules };
    });
    expect(counts[0]!.rules).toBeGreaterThan(0);
    expect(counts[1]).toEqual(counts[0]);
  });

  it('random plans give files that nft -c accepts', () => {
    const ns = freshNs('pr');
    const protocol = fc.constantFrom<Protocol>('tcp', 'udp', 'sctp');
    const svc = fc.record({
      ports: fc.uniqueArray(fc.record({ published: fc.integer({ min: 1, max: 65535 }), target: fc.integer({ min: 1, max: 65535 }), protocol }), {
        minLength: 1,
        maxLength: 6,
        selector: (p) => `${p.published}/${p.protocol}`,
      }),
      replicas: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(svc, { minLength: 0, maxLength: 5 }), fc.integer({ min: 1, max: 3 }), (specs, nodeCount) => {
        const nodes = Array.from({ length: nodeCount }, (_, i) => planNode(`n${i}`, i));
        // Published ports are unique across the stack (the planner guarantees it).
        const taken = new Set<string>();
        let ip = 30;
        const services = specs.map((s, i) => {
          const ports = s.ports.filter((p) => !taken.has(`${p.published}/${p.protocol}`));
          ports.forEach((p) => taken.add(`${p.published}/${p.protocol}`));
          const vip = `10.0.0.${ip++}`;
          const tasks = Array.from({ length: s.replicas }, (_, r) => task('p', `s${i}`, r + 1, nodes[r % nodeCount]!.name, `10.0.0.${ip++}`));
          return service('p', `s${i}`, 256 + i, vip, ports.map((p) => port(p.published, p.target, p.protocol)), tasks);
        });
        for (const f of nftFiles({ stack: 'p', settings: SETTINGS, nodes, services })) nftCheck(ns, f.content);
      }),
      { numRuns: 12, seed: 16 },
    );
  });
});
