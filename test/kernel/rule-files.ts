/**
 * The rule files the kernel suite loads: those rendered from the hand-built plans
 * (always available) and every golden file under fixtures/compile/<case>/_expected
 * (present once the whole pipeline compiles them).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { emitRuleSets } from '../../src/emit/emit-rule-sets.js';
import type { Plan } from '../../src/model/plan.js';
import { renderNodeRules } from '../../src/render/render-rules.js';
import { mixedPlan, seedPlan } from './sample-plans.js';

export interface RulesFile {
  readonly name: string;
  readonly kind: 'host' | 'ingress' | 'task';
  readonly text: string;
}

const ROOT = join(import.meta.dirname, '..', '..');

export function ruleFilesToLoad(): RulesFile[] {
  const out: RulesFile[] = [];
  const plans: [string, Plan][] = [['seed', seedPlan(3)], ['mixed', mixedPlan()]];
  for (const [tag, plan] of plans) {
    for (const n of emitRuleSets(plan, new DiagnosticSink()).nodes) {
      for (const f of renderNodeRules(n)) add(out, `${tag}:${f.path}`, f.path, f.content);
    }
  }
  const fixtures = join(ROOT, 'fixtures', 'compile');
  if (existsSync(fixtures)) for (const path of walk(fixtures)) add(out, relative(ROOT, path), path, assembled(path));
  return out;
}

/**
 * A node's rules file as apply.sh loads it: the node's part, then the shared folder's part
 * when the tree has one (docs/runner.md, "The shared folder"). Shared files alone are not
 * loaded here: they have no hooks of their own, and each is part of every node's input.
 */
function assembled(path: string): string {
  const shared = join(dirname(dirname(path)), 'shared', basename(path));
  const own = readFileSync(path, 'utf8');
  return basename(dirname(path)) !== 'shared' && existsSync(shared) ? own + readFileSync(shared, 'utf8') : own;
}

function add(out: RulesFile[], name: string, path: string, text: string): void {
  const kind = /\/tasks\/[^/]+\.rules$/.test(path) ? 'task' : path.endsWith('/host.rules') ? 'host' : path.endsWith('/ingress.rules') ? 'ingress' : null;
  if (kind) out.push({ name, kind, text });
}

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : p.includes('/_expected/') && !p.includes('/_expected/shared/') ? [p] : [];
  });
}

/** True when this kernel has IPVS (and so the `-m ipvs` match). */
export function kernelHasIpvs(): boolean {
  return existsSync('/proc/net/ip_vs') || existsSync('/proc/sys/net/ipv4/vs');
}

/** The file without its `-m ipvs` rules, for kernels that lack IPVS (the VM suite loads the whole file). */
export function withoutIpvsMatch(text: string): string {
  return text.split('\n').filter((l) => !/ -m ipvs /.test(l)).join('\n');
}
