/**
 * Helpers for the nftables dataplane's kernel tests: plans switched to the nftables
 * dataplane, its files rendered, and the per-namespace view of nft (tables, rules
 * with handles). Namespaces come from netns.ts (named with this process id).
 */
import { spawnSync } from 'node:child_process';
import { emitNftRuleSets } from '../../src/emit/nft/emit-nft.js';
import type { Plan, PlanService } from '../../src/model/plan.js';
import type { OutputFile } from '../../src/model/rules.js';
import { renderNftNode } from '../../src/render/render-nft.js';
import { inNs } from './netns.js';
import { planNode, port, service, SETTINGS, task } from './sample-plans.js';

/**
 * The mesh the nftables netns tests run: three nodes, service ngx (TCP 8888 and UDP 5353)
 * with tasks on node1 and node2 only, so node3 serves through the overlay; plus `extra`.
 */
export function threeNodeNftPlan(...extra: PlanService[]): Plan {
  return asNftables({
    stack: 'web',
    settings: SETTINGS,
    nodes: [planNode('node1', 0), planNode('node2', 1), planNode('node3', 2)],
    services: [
      service('web', 'ngx', 256, '10.0.0.9', [port(8888, 80), port(5353, 53, 'udp')], [
        task('web', 'ngx', 1, 'node1', '10.0.0.10'),
        task('web', 'ngx', 2, 'node2', '10.0.0.11'),
      ]),
      ...extra,
    ],
  });
}

/** Another program's nat table in a node's namespace: meshc must leave it as it was. */
export const FOREIGN_NAT_TABLE = 'table ip foreign_keep {\n\tchain pre {\n\t\ttype nat hook prerouting priority -150; policy accept;\n\t\ttcp dport 1 return\n\t}\n}\n';

/** Why the nftables kernel tests cannot run here, or null (root, ip, nft, socat, conntrack). */
export function nftSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'kernel tests need root (network namespaces)';
  for (const tool of ['ip', 'nft', 'socat', 'conntrack']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `nftables kernel tests need ${tool} on PATH`;
  }
  return null;
}

export function asNftables(plan: Plan): Plan {
  return { ...plan, settings: { ...plan.settings, dataplane: 'nftables' } };
}

/** Every node's nftables files, by path. */
export function nftFiles(plan: Plan): OutputFile[] {
  return emitNftRuleSets(asNftables(plan)).nodes.flatMap((n) => renderNftNode(n));
}

export function nftCheck(ns: string, text: string): void {
  inNs(ns, ['nft', '-c', '-f', '-'], text);
}

export function nftLoad(ns: string, text: string): void {
  inNs(ns, ['nft', '-f', '-'], text);
}

/** `nft list ruleset` of the namespace: the whole state the tests compare. */
export function ruleset(ns: string): string {
  return inNs(ns, ['nft', 'list', 'ruleset']);
}

/** Rules (objects with a handle inside a chain), not set or map elements, in `table`. */
export function ruleCount(ns: string, family: string, table: string): number {
  const listing = inNs(ns, ['nft', '-a', 'list', 'table', family, table]);
  let inChain = false;
  let count = 0;
  for (const line of listing.split('\n')) {
    const t = line.trim();
    if (/^chain \S+ \{/.test(t)) inChain = true;
    else if (t === '}') inChain = false;
    else if (inChain && /# handle \d+$/.test(t) && !/^type .* hook /.test(t)) count += 1;
  }
  return count;
}
