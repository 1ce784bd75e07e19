/**
 * Generated stacks and inventories (test/unit/hardening/arbitraries.ts) that compile: every
 * rules file they produce loads with `iptables-restore --test` on both backends (ingress
 * files without their `-m ipvs` rule: this kernel has no IPVS). The unit suite proves the
 * same trees consistent; this proves the kernel agrees with the text.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { addNs, BACKENDS, deleteNs, inNs, kernelSkipReason, nsName } from './netns.js';
import { withoutIpvsMatch } from './rule-files.js';
import { runMem } from '../unit/hardening/harness.js';
import { inventoryArb, inventoryText, stackArb, stackText } from '../unit/hardening/arbitraries.js';

const skip = kernelSkipReason();
const SAMPLES = Number(process.env.MESHC_KERNEL_SAMPLES ?? 60);
const created: string[] = [];
afterAll(() => created.forEach(deleteNs));

async function compiledRules(seed: number): Promise<Map<string, string>> {
  const rules = new Map<string, string>();
  for (const [s, inv] of fc.sample(fc.tuple(stackArb, inventoryArb), { numRuns: SAMPLES, seed })) {
    const files: Record<string, string> = { 'stack.yml': stackText(s) };
    const argv = ['compile', 'stack.yml', '--format', 'json'];
    const text = inventoryText(inv);
    if (text !== undefined) {
      files['inventory.json'] = text;
      argv.push('-i', 'inventory.json');
    }
    const r = await runMem(argv, files);
    if (r.code !== 0) continue;
    const tree = (JSON.parse(r.stdout) as { files: Record<string, string> }).files;
    for (const [path, content] of Object.entries(tree)) {
      if (!path.endsWith('.rules') || path.endsWith('/ipvs.rules')) continue;
      rules.set(path.endsWith('/ingress.rules') ? withoutIpvsMatch(content) : content, path);
      // And the one input apply.sh assembles: this node's part, then the shared one (docs/runner.md).
      const shared = tree[`shared/${path.slice(path.indexOf('/') + 1)}`];
      if (shared !== undefined && !path.startsWith('shared/')) {
        const input = content + shared;
        rules.set(path.endsWith('/ingress.rules') ? withoutIpvsMatch(input) : input, `${path} + shared`);
      }
    }
  }
  return rules;
}

describe.skipIf(skip !== null)(`generated stacks in the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('every rules file of every generated stack that compiles loads on both backends', async () => {
    const seed = Date.now() % 2 ** 31;
    const rules = await compiledRules(seed);
    expect(rules.size, `seed ${seed}`).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const b of BACKENDS) {
      const ns = nsName('hg');
      created.push(ns);
      addNs(ns);
      for (const [text, path] of rules) {
        try {
          inNs(ns, [b.restore, '--noflush', '--wait', '--test'], text);
        } catch (err) {
          failures.push(`seed ${seed} ${path} (${b.name}): ${(err as { stderr?: string }).stderr ?? String(err)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
