/**
 * The package installs as a new user would get it: `npm pack` (whose `prepare` builds
 * dist/), then `npm install -g <tarball>` into a temporary prefix, then the installed
 * `meshc` answers --version, validates the seed stack and compiles a fixture. And from a
 * git clone: `npm install -g /path/to/clone` links the bare folder, so its `prepare`
 * (scripts/prepare.mjs) must install what the build needs itself. Slow (builds and npm
 * installs), hence the kernel project. Needs npm and the registry (or npm's cache), and git
 * for the clone.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { titled, toolSkipReason } from '../support/tools.js';
import { ROOT, sh, tempDir } from './tools.js';

const scratch = tempDir('package');
// Two installed packages and a clone with its node_modules: removing them outlasts the default hook timeout on a busy machine.
afterAll(() => scratch.remove(), 300_000);
const skip = toolSkipReason('npm');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(skip !== null)(titled('npm pack, npm install -g <tarball>', skip), () => {
  it('gives a working meshc', { timeout: 600_000 }, () => {
    const pack = sh(['npm', 'pack', '--pack-destination', scratch.path], { cwd: ROOT, timeoutMs: 300_000 });
    expect(pack.status, pack.out).toBe(0);
    const tarball = readdirSync(scratch.path).find((f) => f.endsWith('.tgz'));
    expect(tarball, pack.out).toBeDefined();
    const meshc = expectInstalls(join(scratch.path, tarball as string), 'prefix', 300_000);
    const broken = sh([meshc, 'validate', join(ROOT, 'fixtures', 'seed', 'missing.yml')], { cwd: scratch.path });
    expect(broken.status, 'a missing file is an I/O error, not a crash').toBe(2);
    expectCompiles(meshc, 'tarball');
  });
});

/** `npm install -g` of `source` into a fresh prefix gives a meshc that reports its version and validates; returns its path. */
function expectInstalls(source: string, prefixName: string, timeoutMs: number): string {
  const prefix = join(scratch.path, prefixName);
  const install = sh(['npm', 'install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', source], { timeoutMs });
  expect(install.status, install.out).toBe(0);
  const meshc = join(prefix, 'bin', 'meshc');
  const v = sh([meshc, '--version']);
  expect(v.status, v.out).toBe(0);
  expect(v.out.trim()).toBe(version);
  const validate = sh([meshc, 'validate', join(ROOT, 'fixtures', 'seed', 'stack.yml')], { cwd: scratch.path });
  expect(validate.status, validate.out).toBe(0);
  return meshc;
}

/** The installed meshc compiles a 3-node fixture (templates, Handlebars, the emitters: everything validate does not load). */
function expectCompiles(meshc: string, tag: string): void {
  const fixture = join(ROOT, 'fixtures', 'compile', 'seed-3nodes');
  const out = join(scratch.path, `out-${tag}`);
  const compile = sh([meshc, 'compile', join(fixture, 'stack.yml'), '-i', join(fixture, 'inventory.yml'), '-o', out, '--lock', `${out}.lock.json`], { cwd: scratch.path });
  expect(compile.status, compile.out).toBe(0);
  // The golden test compares the contents; here every node's directory, the plan and the playbook are there.
  const expected = readdirSync(join(fixture, '_expected')).filter((f) => !f.startsWith('_'));
  expect(readdirSync(out).filter((f) => expected.includes(f))).toEqual(expected);
}

const gitSkip = skip ?? toolSkipReason('git');
describe.skipIf(gitSkip !== null)(titled('npm install -g /path/to/a/git/clone', gitSkip), () => {
  it('gives a working meshc', { timeout: 900_000 }, () => {
    // A clone of the committed tree: what a user gets from `git clone`, without node_modules or dist.
    const clone = join(scratch.path, 'clone');
    const cloned = sh(['git', 'clone', '--quiet', '--no-hardlinks', ROOT, clone], { timeoutMs: 120_000 });
    expect(cloned.status, cloned.out).toBe(0);
    const meshc = expectInstalls(clone, 'prefix-git', 600_000);
    expectCompiles(meshc, 'git');
  });
});
