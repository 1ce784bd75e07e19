/**
 * No name can make `meshc compile` write outside `-o DIR` (and the lock file next to the
 * stack): hostile names are refused before anything is written, symlinks planted in DIR
 * or next to the stack are never followed, and DIR itself being a symlink is refused.
 * Runs the CLI in-process on the real file system, in a temp directory per case; a
 * "victim" file and directory outside must come out untouched.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';

const SEED = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Scene {
  readonly root: string;
  readonly work: string;
  readonly victimFile: string;
  readonly victimDir: string;
}

/** root/work holds the stack; root/victim.txt and root/victim/ must never change. */
function scene(stack = SEED): Scene {
  const root = mkdtempSync(join(tmpdir(), 'meshc-h7-paths-'));
  made.push(root);
  const work = join(root, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'stack.yml'), stack);
  writeFileSync(join(root, 'victim.txt'), 'precious\n');
  mkdirSync(join(root, 'victim'));
  writeFileSync(join(root, 'victim', 'keep.txt'), 'keep\n');
  return { root, work, victimFile: join(root, 'victim.txt'), victimDir: join(root, 'victim') };
}

async function cli(cwd: string, argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: () => undefined,
    stderr: (t) => void err.push(t),
    readFile: (p) => readFileSync(resolve(cwd, p)),
    readStdin: () => Buffer.alloc(0),
  };
  return { code: await run(argv, io), stderr: err.join('') };
}

function expectVictimsIntact(s: Scene): void {
  expect(lstatSync(s.victimFile).isFile()).toBe(true);
  expect(readFileSync(s.victimFile, 'utf8')).toBe('precious\n');
  expect(readdirSync(s.victimDir)).toEqual(['keep.txt']);
  expect(readdirSync(s.root).sort()).toEqual(['victim', 'victim.txt', 'work']);
}

describe('output paths stay inside -o DIR', () => {
  it('control: a plain compile writes the tree into DIR and the lock next to the stack', async () => {
    const s = scene();
    expect((await cli(s.work, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    expect(readdirSync(join(s.work, 'out'))).toContain('plan.json');
    expect(readdirSync(s.work).sort()).toEqual(['out', 'stack.yml', 'stack.yml.meshc-lock.json']);
    expectVictimsIntact(s);
  });

  it('a DIR holding symlinks (plan.json, a node directory) is not meshc\'s: refused, nothing followed or replaced', async () => {
    const s = scene();
    const out = join(s.work, 'out');
    mkdirSync(out);
    symlinkSync(s.victimFile, join(out, 'plan.json'));
    symlinkSync(s.victimDir, join(out, 'local'));
    const r = await cli(s.work, ['compile', 'stack.yml', '-o', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED/);
    expect(lstatSync(join(out, 'plan.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(out, 'local')).isSymbolicLink()).toBe(true);
    expectVictimsIntact(s);
  });

  it('DIR that is itself a symlink is refused with a diagnostic', async () => {
    const s = scene();
    symlinkSync(s.victimDir, join(s.work, 'out'));
    const r = await cli(s.work, ['compile', 'stack.yml', '-o', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED/);
    expectVictimsIntact(s);
  });

  it('DIR that holds something else than a meshc output is not replaced', async () => {
    const s = scene();
    const r = await cli(s.work, ['compile', 'stack.yml', '-o', s.victimDir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED/);
    expectVictimsIntact(s);
  });

  it('a symlink planted at the lock file\'s temporary name is not followed', async () => {
    const s = scene();
    symlinkSync(s.victimFile, join(s.work, '.stack.yml.meshc-lock.json.meshc-tmp'));
    await cli(s.work, ['compile', 'stack.yml', '-o', 'out']);
    expectVictimsIntact(s);
  });

  it('a symlinked lock file is not written through', async () => {
    const s = scene();
    symlinkSync(s.victimFile, join(s.work, 'stack.yml.meshc-lock.json'));
    await cli(s.work, ['compile', 'stack.yml', '-o', 'out']);
    expectVictimsIntact(s);
  });

  it.each([
    ['a node named ..', 'nodes:\n  - name: ".."\n    address: 192.168.56.11\n'],
    ['a node named ../victim', 'nodes:\n  - name: "../victim"\n    address: 192.168.56.11\n'],
    ['a node named /abs', 'nodes:\n  - name: "/abs"\n    address: 192.168.56.11\n'],
    // The shared folder's name (docs/runner.md): a node's folder would collide with it.
    ['a node named shared', 'nodes:\n  - name: shared\n    address: 192.168.56.11\n'],
    ['an ansible host named ../../victim', '{"_meta":{"hostvars":{"../../victim":{"ansible_host":"192.168.56.11"}}}}'],
  ])('%s is refused before anything is written', async (_name, inventory) => {
    const s = scene();
    writeFileSync(join(s.work, 'inventory.yml'), inventory);
    const r = await cli(s.work, ['compile', 'stack.yml', '-i', 'inventory.yml', '-o', 'out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^inventory\.yml:\d+:\d+ error INVENTORY_NODE_NAME_INVALID: /m);
    expect(existsSync(join(s.work, 'out'))).toBe(false);
    expectVictimsIntact(s);
  });

  it.each([['../victim'], ['..'], ['/abs'], ['a/b']])('--stack %s is refused before anything is written', async (name) => {
    const s = scene();
    const r = await cli(s.work, ['compile', 'stack.yml', '--stack', name, '-o', 'out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error NAME_INVALID: invalid stack name/);
    expect(existsSync(join(s.work, 'out'))).toBe(false);
    expectVictimsIntact(s);
  });
});
