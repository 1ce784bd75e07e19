/**
 * The runner's nftables functions (templates/runner/nft.sh.hbs), sourced by bash and run
 * against real namespaces: apply, re-apply as a no-op, --check's diff against
 * `nft list table`, a broken file refused with the namespace unchanged, --down deleting
 * meshc's table only. (apply.sh wires them in once its partials land.)
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

  it('--check on a fresh namespace shows the whole table as the change, and changes nothing', () => {
    const r = call('nft_check', where, file);
    expect(r.status).toBe(1);
    expect(r.out).toContain('+\tmap ports {');
    expect(ruleset(ns)).toBe(before);
  });

  it('applies, then re-applies as a no-op; --check then finds nothing', () => {
    expect(call('nft_apply', where, file).out).toBe('applied\n');
    const applied = ruleset(ns);
    const handles = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-a', 'list', 'ruleset'], { encoding: 'utf8' }).stdout;
    expect(call('nft_apply', where, file).out).toBe('unchanged\n');
    // Not even re-created: the same handles.
    expect(spawnSync('ip', ['netns', 'exec', ns, 'nft', '-a', 'list', 'ruleset'], { encoding: 'utf8' }).stdout).toBe(handles);
    expect(ruleset(ns)).toBe(applied);
    expect(call('nft_check', where, file)).toMatchObject({ status: 0, out: '' });
  });

  it('a changed file: --check prints the element diff; apply replaces the table', () => {
    const changed = join(dir, 'changed.nft');
    writeFileSync(changed, text.replace('tcp . 8888 : goto svc_256,', 'tcp . 8888 : goto svc_256,\n\t\t\ttcp . 9999 : goto svc_256,'));
    const r = call('nft_check', where, changed);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^[-+].*9999/m);
    expect(call('nft_apply', where, changed).out).toBe('applied\n');
    expect(ruleset(ns)).toContain('tcp . 9999 : goto svc_256');
  });

  it('a broken file is refused: exit non-zero, namespace unchanged', () => {
    const broken = join(dir, 'broken.nft');
    writeFileSync(broken, text.replace('snat ip to', 'snat ip too'));
    const was = ruleset(ns);
    expect(call('nft_apply', where, broken).status).not.toBe(0);
    expect(call('nft_check', where, broken).status).toBe(2);
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
