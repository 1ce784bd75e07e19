/**
 * Hostile strings in every user-controlled slot (hostile.ts): each input is rejected with
 * a diagnostic that names it, or compiles to files whose paths stay in the tree, whose
 * rules are consistent, and whose scripts pass `bash -n` and `shellcheck`. The kernel
 * half (iptables-restore, running the runner with a canary) is
 * test/kernel/hardening-hostile.test.ts.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { titled, toolSkipReason } from '../../support/tools.js';
import { checkScripts, removeTree, writeTree } from './harness.js';
import { SLOTS, hostileStrings } from './hostile.js';
import { judge, ruleShapeProblems } from './verdict.js';

const CANARY = '/tmp/meshc-h7-canary';
// Scripts already checked, by content hash: most accepted inputs render identical runners.
const checked = new Set<string>();
const dirs: string[] = [];
// Without shellcheck the slots still get their verdicts and bash -n; the title says what was left out.
const shellcheckSkip = toolSkipReason('shellcheck');
afterAll(() => dirs.forEach(removeTree));

describe.each(SLOTS)('hostile strings in $name', (slot) => {
  it(titled('are rejected with a diagnostic naming them, or compile to safe files', shellcheckSkip && `shellcheck ${shellcheckSkip}`), async () => {
    const failures: string[] = [];
    const fresh = new Map<string, string>();
    const tally = { accepted: 0, rejected: 0, codes: new Set<string>() };
    for (const h of hostileStrings(CANARY)) {
      const v = await judge(slot, h);
      tally[v.code === 0 ? 'accepted' : 'rejected'] += 1;
      v.errors.forEach((c) => tally.codes.add(c));
      failures.push(...v.problems.map((p) => `${JSON.stringify(h).slice(0, 60)}: ${p}`));
      for (const [path, content] of v.files) {
        const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
        if (path.endsWith('.sh') && !checked.has(hash)) fresh.set(`${hash}/${path}`, content);
        checked.add(hash);
      }
    }
    const dir = writeTree(fresh, 'hostile');
    dirs.push(dir);
    failures.push(...checkScripts(dir, [...fresh.keys()], shellcheckSkip === null));
    // One row of docs/hardening.md's slot table.
    console.log(`| ${slot.name} | ${tally.rejected} | ${tally.accepted} | ${[...tally.codes].sort().join(', ')} |`);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('the script checks', () => {
  const control = (): string => {
    const dir = writeTree(new Map([['a/broken.sh', '#!/bin/bash\nX=$(touch\n'], ['b/unquoted.sh', '#!/bin/bash\nX=$1\nrm -rf $X\n']]), 'control');
    dirs.push(dir);
    return dir;
  };

  it('can fail: bash -n rejects a broken script', () => {
    const problems = checkScripts(control(), ['a/broken.sh', 'b/unquoted.sh'], false);
    expect(problems.some((p) => p.startsWith('bash -n a/broken.sh'))).toBe(true);
  });

  it.skipIf(shellcheckSkip !== null)(titled('can fail: shellcheck flags an unquoted expansion', shellcheckSkip), () => {
    const problems = checkScripts(control(), ['a/broken.sh', 'b/unquoted.sh'], true);
    expect(problems.some((p) => p.startsWith('shellcheck') && p.includes('SC2086'))).toBe(true);
  });

  it('can fail: the rule shape check flags a smuggled rule, a broken-out comment and a foreign hook', () => {
    const text = ['# hook: -t filter -I INPUT 1 -j ACCEPT', '*filter', ':MESHC-X - [0:0]', '-A INPUT -j ACCEPT', '-A MESHC-X -m comment --comment "a"b" -j ACCEPT', 'COMMIT', ''].join('\n');
    expect(ruleShapeProblems('n/host.rules', text)).toHaveLength(3);
    expect(ruleShapeProblems('n/ipvs.rules', '-A -f 256 -s rr\ntouch /tmp/x\n')).toHaveLength(1);
  });
});
