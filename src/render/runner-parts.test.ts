/**
 * The runner's parts (templates/runner/*.sh.hbs), each on its own: only the header and
 * plan-data parts read the view (the rest is fixed bash: apply.sh's loader, and the body
 * every node sources from shared/runner.sh, which the compile goldens hold once), every part parses alone, and every fixed part passes shellcheck alone
 * (with the checks that need the other parts turned off: variables and functions defined
 * elsewhere). The assembled runner is checked whole in render-runner.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { emitRuleSets } from '../emit/emit-rule-sets.js';
import { seedPlan } from '../../test/kernel/sample-plans.js';
import { titled, toolSkipReason } from '../../test/support/tools.js';
import { runnerView } from './render-runner.js';
import { renderTemplate, TEMPLATE_DIR } from './templates.js';

const PARTS = readdirSync(join(TEMPLATE_DIR, 'runner')).filter((f) => f.endsWith('.sh.hbs')).sort();
const DATA_PARTS = ['header.sh.hbs', 'plan-data.sh.hbs'];
const FIXED = PARTS.filter((p) => !DATA_PARTS.includes(p));
const plan = seedPlan(3);
const view = runnerView(plan, emitRuleSets(plan, new DiagnosticSink()).nodes[0]!);
// Defined or used by another part: shellcheck cannot see across the cut.
const ACROSS_PARTS = 'SC2034,SC2153,SC2154,SC2317';
const shellcheckSkip = toolSkipReason('shellcheck');

function partFile(part: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'meshc-part-')), part.replace(/\.hbs$/, ''));
  writeFileSync(file, text);
  return file;
}

describe('runner parts', () => {
  it('are all used by templates/apply.sh.hbs or the body, templates/runner.sh.hbs, in one place each', () => {
    const main = ['apply.sh.hbs', 'runner.sh.hbs'].map((t) => readFileSync(join(TEMPLATE_DIR, t), 'utf8')).join('');
    const used = [...main.matchAll(/\{\{> runner\/([a-z-]+)\}\}/g)].map((m) => `${m[1]}.sh.hbs`);
    expect([...used].sort()).toEqual(PARTS);
    expect(new Set(used).size).toBe(used.length);
  });

  it.each(FIXED)('%s reads nothing from the view (the same bash for every node)', (part) => {
    // Templates compile strict: a part that used a view field would throw on an empty view.
    expect(renderTemplate(`runner/${part}`, {})).toBe(readFileSync(join(TEMPLATE_DIR, 'runner', part), 'utf8').replaceAll('\\{{', '{{'));
  });

  it.each(PARTS)('%s parses on its own (bash -n)', (part) => {
    const r = spawnSync('bash', ['-n', partFile(part, renderTemplate(`runner/${part}`, view))], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(shellcheckSkip !== null).each(FIXED)(titled('%s passes shellcheck on its own', shellcheckSkip), (part) => {
    const file = partFile(part, renderTemplate(`runner/${part}`, {}));
    const r = spawnSync('shellcheck', ['-s', 'bash', '-e', ACROSS_PARTS, file], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
