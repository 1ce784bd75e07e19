/**
 * Helpers for the nftables dataplane's kernel tests: plans switched to the nftables
 * dataplane, its files rendered, and the per-namespace view of nft (tables, rules
 * with handles). Namespaces come from netns.ts (named with this process id).
 */
import { spawnSync } from 'node:child_process';
import { emitNftRuleSets } from '../../src/emit/nft/emit-nft.js';
import type { Plan } from '../../src/model/plan.js';
import type { OutputFile } from '../../src/model/rules.js';
import { renderNftNode } from '../../src/render/render-nft.js';
import { inNs } from './netns.js';

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
  return emitNftRuleSets(asNftables(plan)).nodes.flatMap(renderNftNode);
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
