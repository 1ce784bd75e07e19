/**
 * The runner's nftables helpers (templates/runner/nft.sh.hbs), sourced by bash and run
 * against real namespaces: the intended table (the kernel's listing of the file, read in
 * a throw-away namespace) equals the live listing once loaded, a broken file has none,
 * --down deletes meshc's table only. The whole apply.sh path (apply, no-op re-apply,
 * --check, --dry-run, rollback, --down) is nft-apply-sh.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/render/templates.js';
import { addNs, deleteNs, nsName } from './netns.js';
import { nftFiles, nftLoad, nftSkipReason, ruleset } from './nft-helpers.js';
import { seedPlan } from './sample-plans.js';

const skip = nftSkipReason();
const dir = mkdtempSync(join(tmpdir(), 'meshc-nft-runner-'));
const ns = nsName('rn');
const lib = join(dir, 'nft.sh');
const FOREIGN = 'table ip foreign_keep {\n\tchain pre {\n\t\ttype nat hook prerouting priority -150; policy accept;\n\t}\n}\n';

function call(fn: string, ...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync('bash', ['-c', `source ${lib} && ${fn} "$@"`, 'bash', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe.skipIf(skip !== null)(`runner functions, nftables${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const file = join(dir, 'ingress.nft');
  const text = nftFiles(seedPlan(3)).find((f) => f.path === 'node1/ingress.nft')!.content;
  const where = `/run/netns/${ns}`;
  let before = '';
  beforeAll(() => {
    writeFileSync(lib, renderTemplate('runner/nft.sh.hbs', {}));
    writeFileSync(file, text);
    addNs(ns);
    nftLoad(ns, FOREIGN);
    before = ruleset(ns);
  });
  afterAll(() => {
    deleteNs(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes bash -n and shellcheck', () => {
    expect(spawnSync('bash', ['-n', lib]).status).toBe(0);
    const sc = spawnSync('shellcheck', ['-s', 'bash', lib], { encoding: 'utf8' });
    if (sc.error) console.log('shellcheck not installed: lint skipped');
    else expect(sc.stdout).toBe('');
  });

  it('the intended table is the kernel listing of the file, read without touching the namespace', () => {
    expect(call('nft_table_of', file).out).toBe('inet meshc_ingress\n');
    const want = call('nft_intended', file, 'inet meshc_ingress');
    expect(want.status).toBe(0);
    expect(want.out).toContain('\tmap ports {');
    expect(call('nft_live', where, 'inet meshc_ingress').out).toBe('');
    expect(ruleset(ns)).toBe(before);
    nftLoad(ns, text);
    // The same text on both sides: what apply.sh compares for its no-op re-apply.
    expect(call('nft_live', where, 'inet meshc_ingress').out).toBe(want.out);
  });

  it('a broken file has no intended table (apply.sh stops before touching anything)', () => {
    const broken = join(dir, 'broken.nft');
    writeFileSync(broken, text.replace('snat ip to', 'snat ip too'));
    const was = ruleset(ns);
    expect(call('nft_intended', broken, 'inet meshc_ingress').status).not.toBe(0);
    expect(ruleset(ns)).toBe(was);
  });

  it('--down deletes meshc table only, twice is fine, and refuses a foreign table', () => {
    expect(call('nft_down', where, 'inet meshc_ingress').status).toBe(0);
    expect(ruleset(ns)).toBe(before);
    expect(call('nft_down', where, 'inet meshc_ingress').status).toBe(0);
    expect(call('nft_down', where, 'ip foreign_keep').status).toBe(1);
    expect(ruleset(ns)).toBe(before);
  });
});
