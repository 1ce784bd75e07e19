/**
 * Every emitted iptables file loads into a fresh network namespace with both
 * iptables backends: `--test` first, then for real with `--noflush --wait`, hooks
 * inserted as apply.sh inserts them. A second load changes nothing (idempotence), a
 * foreign chain and rule planted before survive, and loading the same file emptied
 * of its rules (a removed service) empties meshc's chains and nothing else.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addNs, BACKENDS, deleteNs, hooksOf, inNs, insertHooks, kernelSkipReason, nsName, restore, save, type Backend } from './netns.js';
import { kernelHasIpvs, ruleFilesToLoad, withoutIpvsMatch, type RulesFile } from './rule-files.js';

const skip = kernelSkipReason();
const ipvs = skip ? false : kernelHasIpvs();
const created: string[] = [];
afterAll(() => created.forEach(deleteNs));

// Tables each kind touches, and a built-in chain of each to plant a foreign rule in.
const BUILTIN: Record<string, string> = { mangle: 'PREROUTING', nat: 'PREROUTING', filter: 'INPUT' };

function plantForeign(ns: string, b: Backend, tables: readonly string[]): void {
  for (const t of tables) {
    inNs(ns, [b.iptables, '-w', '-t', t, '-N', 'FOREIGN-KEEP']);
    inNs(ns, [b.iptables, '-w', '-t', t, '-A', 'FOREIGN-KEEP', '-j', 'RETURN']);
    inNs(ns, [b.iptables, '-w', '-t', t, '-A', BUILTIN[t] ?? 'INPUT', '-p', 'tcp', '--dport', '1', '-j', 'FOREIGN-KEEP']);
  }
}

function meshcRuleLines(saved: string): string[] {
  return saved.split('\n').filter((l) => /^-A MESHC-/.test(l));
}

/** Rule lines per chain, MARK's --set-mark written as iptables-save prints it. */
function byChain(lines: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    const canon = l.replace(/--set-mark (\d+)/, (_m, n: string) => `--set-xmark 0x${Number(n).toString(16)}/0xffffffff`);
    (out[l.split(' ')[1] ?? ''] ??= []).push(canon);
  }
  return out;
}

function loadTwice(file: RulesFile, b: Backend): void {
  const text = ipvs ? file.text : withoutIpvsMatch(file.text);
  const ns = nsName(b.name);
  created.push(ns);
  addNs(ns);
  const tables = [...text.matchAll(/^\*(\w+)$/gm)].map((m) => m[1] ?? '');
  plantForeign(ns, b, tables);
  restore(ns, b, text, true);
  restore(ns, b, text);
  insertHooks(ns, b, hooksOf(text));
  const first = save(ns, b);
  restore(ns, b, text);
  insertHooks(ns, b, hooksOf(text));
  expect(save(ns, b)).toBe(first);
  // The file reads exactly as the kernel prints it back: same rules, same order, same spelling.
  expect(byChain(meshcRuleLines(first))).toEqual(byChain(text.split('\n').filter((l) => l.startsWith('-A '))));
  for (const h of hooksOf(text)) expect(first.split('\n').filter((l) => l.endsWith(`-j ${h.at(-1)}`) && l.startsWith(`-A ${h[3]} `))).toHaveLength(1);
  expect(first.match(/^-A FOREIGN-KEEP -j RETURN$/gm)).toHaveLength(tables.length);
  restore(ns, b, text.split('\n').filter((l) => !l.startsWith('-A ')).join('\n'));
  const emptied = save(ns, b);
  expect(meshcRuleLines(emptied)).toEqual([]);
  expect(emptied.match(/^-A FOREIGN-KEEP -j RETURN$/gm)).toHaveLength(tables.length);
  expect(emptied.match(/--dport 1 -j FOREIGN-KEEP$/gm)).toHaveLength(tables.length);
}

describe.skipIf(skip !== null)(`rule files load into the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const files = skip ? [] : ruleFilesToLoad();
  const note = ipvs ? '' : ' (ingress files without their -m ipvs rule: no IPVS in this kernel; the VM suite loads them whole)';
  for (const b of BACKENDS) {
    describe(`${b.name}${note}`, () => {
      it.each(files.map((f) => [f.name, f] as const))('%s', (_name, file) => loadTwice(file, b));
    });
  }
});

describe.runIf(skip !== null)('kernel suite', () => {
  it(`is skipped: ${skip}`, () => expect(skip).not.toBeNull());
});
