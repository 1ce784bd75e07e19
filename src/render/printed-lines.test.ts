/**
 * The lines the renderer records as it prints (what `explain` cites) agree with what the
 * one reader of each format finds in the same bytes: every rule, hook comment, IPVS
 * service and real server the emitters produced, at the line that holds it.
 */
import { describe, expect, it } from 'vitest';
import { hookCommand } from '../emit/chains.js';
import type { NodeRuleSet, OutputFile, Ruleset } from '../model/rules.js';
import { readIpvsadm } from '../rules-format/ipvsadm.js';
import { readRestore } from '../rules-format/restore.js';
import { samplePlan, sampleRuleSets } from '../explain/testing/sample.js';
import { printedLines } from './printed-lines.js';
import { renderFiles } from './render-files.js';
import { emitNftRuleSets } from '../emit/nft/emit-nft.js';
import type { NftTable } from '../emit/nft/model.js';
import { renderNftNode } from './render-nft.js';

/** iptables' values without the comment match the renderer adds to every rule. */
function withoutComment(values: readonly string[]): string[] {
  const at = values.indexOf('comment');
  return at > 0 && values[at - 1] === '-m' && values[at + 1] === '--comment' ? [...values.slice(0, at - 1), ...values.slice(at + 3)] : [...values];
}

function checkRules(file: OutputFile, rs: Ruleset): number {
  const lines = printedLines(file);
  const read = readRestore(file.content);
  let checked = 0;
  for (const table of rs.tables) {
    const printed = lines?.tables?.find((t) => t.table === table.name);
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        const offset = printed?.offsets.get(chain.name)?.get(rule.args);
        expect(offset, `${file.path} ${table.name} ${chain.name} ${rule.args.join(' ')}`).toBeDefined();
        const at = read[printed!.firstLine + offset! - 1]!;
        expect([at.kind, at.table, at.chain, ...withoutComment(at.values)]).toEqual(['rule', table.name, chain.name, ...rule.args]);
        checked++;
      }
    }
  }
  for (const hook of rs.hooks) {
    const line = lines?.hooks?.get(hookCommand(hook));
    expect(read[line! - 1]?.text).toBe(`# hook: ${hookCommand(hook)}`);
  }
  // Every rule line in the file is one the emitters produced (none printed twice, none unrecorded).
  expect(read.filter((l) => l.kind === 'rule')).toHaveLength(checked);
  return checked;
}

function checkIpvs(file: OutputFile, node: NodeRuleSet): void {
  const lines = printedLines(file);
  const read = readIpvsadm(file.content);
  for (const s of node.ipvs) {
    const at = read[lines!.ipvs!.get(String(s.fwmark))! - 1]!;
    expect([at.kind, at.fwmark]).toEqual(['service', s.fwmark]);
    for (const r of s.reals) {
      const real = read[lines!.ipvs!.get(`${s.fwmark} ${r.ip}`)! - 1]!;
      expect([real.kind, real.fwmark, real.real]).toEqual(['server', s.fwmark, `${r.ip}:0`]);
    }
  }
}

describe('lines recorded by the renderer', () => {
  it('hold the rule, hook or IPVS line the emitters produced, in every rules file of every node', () => {
    const files = new Map(renderFiles(samplePlan, sampleRuleSets).map((f) => [f.path, f]));
    let rules = 0;
    for (const node of sampleRuleSets.nodes) {
      rules += checkRules(files.get(`${node.node}/host.rules`)!, node.host);
      rules += checkRules(files.get(`${node.node}/ingress.rules`)!, node.ingress);
      for (const t of node.tasks) rules += checkRules(files.get(`${node.node}/tasks/${t.task}.rules`)!, t.rules);
      checkIpvs(files.get(`${node.node}/ipvs.rules`)!, node);
    }
    expect(rules).toBeGreaterThan(20);
  });

  it('hold each set, map and chain header, element and rule of every .nft file', () => {
    const plan = { ...samplePlan, settings: { ...samplePlan.settings, dataplane: 'nftables' as const } };
    let items = 0;
    for (const node of emitNftRuleSets(plan).nodes) {
      const tables = new Map<string, NftTable>([['host.nft', node.host], ['ingress.nft', node.ingress], ...node.tasks.map((t) => [`tasks/${t.task}.nft`, t.table] as [string, NftTable])]);
      for (const file of renderNftNode(node)) {
        const table = tables.get(file.path.slice(node.node.length + 1))!;
        const lines = file.content.split('\n');
        const { firstLine, blocks } = printedLines(file)!.nft!;
        const at = (rel: number) => lines[firstLine + rel - 2];
        expect(blocks.map((b) => b.header)).toEqual([...table.sets.map((s) => `${s.kind} ${s.name}`), ...table.chains.map((c) => `chain ${c.name}`)]);
        for (const b of blocks) {
          expect(at(b.line)).toBe(`\t${b.header} {`);
          for (const i of b.items) {
            const held = at(i.line)!.trim();
            expect(b.header.startsWith('chain ') ? held.startsWith(`${i.text} comment `) : held === `${i.text},`, `${file.path}:${firstLine + i.line - 1} ${held}`).toBe(true);
            items++;
          }
        }
        const printed = table.sets.reduce((n, s) => n + s.elements.length, 0) + table.chains.reduce((n, c) => n + c.rules.length, 0);
        expect(blocks.reduce((n, b) => n + b.items.length, 0)).toBe(printed);
      }
    }
    expect(items).toBeGreaterThan(20);
  });

  it('are kept apart from the file: a copy has none, and two renders compare equal', () => {
    const [a, b] = [renderFiles(samplePlan, sampleRuleSets), renderFiles(samplePlan, sampleRuleSets)];
    expect(b).toEqual(a);
    const host = a.find((f) => f.path === 'node1/host.rules')!;
    expect(printedLines(host)?.tables?.length).toBeGreaterThan(0);
    expect(printedLines({ ...host })).toBeUndefined();
  });
});
