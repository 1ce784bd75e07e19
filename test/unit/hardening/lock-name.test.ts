/**
 * Issue 13 item 5: one lock per stack file. `app.yml` and `app.yaml` get different locks; an
 * old-style lock (`app.meshc-lock.json`) is still read when only one stack can own it, so
 * existing users keep their ports, and is never read (a warning says why) when two could;
 * the old file is never modified or deleted. A stack on stdin writes no lock unless
 * `--lock FILE` asks for one. Runs the CLI in-process on the real file system.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnDisk } from './harness.js';

/** One service with a dynamic port: the lock records which published port it got. */
const STACK = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["80"]\n';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-lockname-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const cli = (cwd: string, argv: readonly string[], stdin = '') => runOnDisk(cwd, argv, stdin);

/** The published port the lock in `file` gives ngx's target 80. */
const lockedPort = (file: string): number => (JSON.parse(readFileSync(file, 'utf8')) as { ports: { ngx: Record<string, number[]> } }).ports.ngx['80/tcp']?.[0] ?? -1;

/** A lock as an older meshc wrote it, holding port 31234 for ngx's target 80. */
async function oldLock(): Promise<string> {
  const dir = workdir({ 'app.yml': STACK });
  expect((await cli(dir, ['compile', 'app.yml', '-o', 'out'])).code).toBe(0);
  return readFileSync(join(dir, 'app.yml.meshc-lock.json'), 'utf8').replace('30000', '31234');
}

describe('lock file naming (issue 13 item 5)', () => {
  it('app.yml and app.yaml get different locks, and neither takes the other\'s ports', async () => {
    const dir = workdir({ 'app.yml': STACK, 'app.yaml': STACK.replace('"80"', '"80", "443"') });
    expect((await cli(dir, ['compile', 'app.yml', '-o', 'out-yml'])).code).toBe(0);
    expect((await cli(dir, ['compile', 'app.yaml', '-o', 'out-yaml'])).code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.endsWith('.meshc-lock.json')).sort()).toEqual(['app.yaml.meshc-lock.json', 'app.yml.meshc-lock.json']);
    const yml = readFileSync(join(dir, 'app.yml.meshc-lock.json'), 'utf8');
    // Compiling app.yaml again must not change app.yml's lock (before, both wrote app.meshc-lock.json).
    expect((await cli(dir, ['compile', 'app.yaml', '-o', 'out-yaml'])).code).toBe(0);
    expect(readFileSync(join(dir, 'app.yml.meshc-lock.json'), 'utf8')).toBe(yml);
    expect(JSON.parse(readFileSync(join(dir, 'app.yaml.meshc-lock.json'), 'utf8')).ports.ngx['443/tcp']).toHaveLength(1);
  });

  it('an old-style lock is read when unambiguous: ports kept, new name written, old file untouched', async () => {
    const legacy = await oldLock();
    const dir = workdir({ 'app.yml': STACK, 'app.meshc-lock.json': legacy });
    const r = await cli(dir, ['compile', 'app.yml', '-o', 'out']);
    expect(r.code, r.stderr).toBe(0);
    expect(lockedPort(join(dir, 'app.yml.meshc-lock.json'))).toBe(31234);
    expect(readFileSync(join(dir, 'out', 'plan.json'), 'utf8')).toContain('31234');
    expect(readFileSync(join(dir, 'app.meshc-lock.json'), 'utf8')).toBe(legacy);
    // --frozen accepts the old lock as it is (nothing would change but its name).
    const dir2 = workdir({ 'app.yml': STACK, 'app.meshc-lock.json': legacy });
    expect((await cli(dir2, ['validate', '--frozen', 'app.yml'])).code).toBe(0);
  });

  it('an ambiguous old-style lock is not read: a warning names both stacks; the old file is untouched', async () => {
    const legacy = await oldLock();
    const dir = workdir({ 'app.yml': STACK, 'app.yaml': STACK, 'app.meshc-lock.json': legacy });
    const r = await cli(dir, ['compile', 'app.yml', '-o', 'out']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('LOCK_LEGACY_AMBIGUOUS');
    expect(r.stderr).toContain('app.yaml');
    expect(lockedPort(join(dir, 'app.yml.meshc-lock.json'))).toBe(30000);
    expect(readFileSync(join(dir, 'app.meshc-lock.json'), 'utf8')).toBe(legacy);
    expect((await cli(dir, ['validate', '--warnings-as-errors', 'app.yml'])).code).toBe(0); // the new lock now exists: no warning
  });

  it('a stack on stdin writes no lock in the working directory unless --lock asks', async () => {
    const dir = workdir({});
    const r = await cli(dir, ['compile', '-', '--stack', 'app', '-o', 'out'], STACK);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['out']);
    expect((await cli(dir, ['compile', '-', '--stack', 'app', '-o', 'out', '--lock', 'app.lock.json'], STACK)).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['app.lock.json', 'out']);
    expect(lockedPort(join(dir, 'app.lock.json'))).toBe(30000);
    expect(existsSync(join(dir, '-.meshc-lock.json'))).toBe(false);
  });
});
