/**
 * The package installs as a new user would get it: `npm pack` (whose `prepare` builds
 * dist/), then `npm install -g <tarball>` into a temporary prefix, then the installed
 * `meshc` answers --version and validates the seed stack. Slow (a build and an npm
 * install), hence the kernel project. Needs npm and the registry for the four runtime
 * dependencies (or npm's cache).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { titled, toolSkipReason } from '../support/tools.js';
import { ROOT, sh, tempDir } from './tools.js';

const scratch = tempDir('package');
afterAll(() => scratch.remove());
const skip = toolSkipReason('npm');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe.skipIf(skip !== null)(titled('npm pack, npm install -g <tarball>', skip), () => {
  it('gives a working meshc', { timeout: 600_000 }, () => {
    const pack = sh(['npm', 'pack', '--pack-destination', scratch.path], { cwd: ROOT, timeoutMs: 300_000 });
    expect(pack.status, pack.out).toBe(0);
    const tarball = readdirSync(scratch.path).find((f) => f.endsWith('.tgz'));
    expect(tarball, pack.out).toBeDefined();
    const prefix = join(scratch.path, 'prefix');
    const install = sh(['npm', 'install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(scratch.path, tarball as string)], { timeoutMs: 300_000 });
    expect(install.status, install.out).toBe(0);
    const meshc = join(prefix, 'bin', 'meshc');
    const v = sh([meshc, '--version']);
    expect(v.status, v.out).toBe(0);
    expect(v.out.trim()).toBe(version);
    const validate = sh([meshc, 'validate', join(ROOT, 'fixtures', 'seed', 'stack.yml')], { cwd: scratch.path });
    expect(validate.status, validate.out).toBe(0);
    const broken = sh([meshc, 'validate', join(ROOT, 'fixtures', 'seed', 'missing.yml')], { cwd: scratch.path });
    expect(broken.status, 'a missing file is an I/O error, not a crash').toBe(2);
  });
});
