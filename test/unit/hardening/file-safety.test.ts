/**
 * Issue 13's file-safety defects, one regression test each, through the CLI in-process on
 * the real file system with the real input guard (cli/inputs.ts readGuardedInput). The
 * data-loss tests snapshot every file of the directory at stake (bytes and mode) and
 * require it byte-identical afterwards.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnDisk } from './harness.js';
import { readGuardedInput, MAX_INPUT_BYTES } from '../../../src/driver/inputs.js';

const SEED = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n';
const SECRET = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'meshc-i13-'));
  made.push(d);
  return d;
}

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI with the real, guarded readers (as nodeIo has them), relative to `cwd`. */
const cli = (cwd: string, argv: readonly string[], stdin: Buffer = Buffer.alloc(0)): Promise<Result> => runOnDisk(cwd, argv, stdin);

/** Every entry under `dir` (not following symlinks): kind, mode and bytes. */
function snapshot(dir: string): Record<string, string> {
  const snap: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        snap[path] = `dir ${mode}`;
        walk(path);
      } else if (st.isSymbolicLink()) snap[path] = `link`;
      else snap[path] = `file ${mode} ${readFileSync(join(dir, path)).toString('base64')}`;
    }
  };
  walk('');
  return snap;
}

describe('1. meshc replaces only a directory it can prove it wrote', () => {
  it('the issue\'s repro: `compile -o .` beside a plan.json and a README is refused, every file byte-identical', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    writeFileSync(join(p, 'README.md'), 'keep\n');
    const plan = await cli(p, ['plan', 'stack.yml']);
    expect(plan.code).toBe(0);
    writeFileSync(join(p, 'plan.json'), plan.stdout);
    const before = snapshot(p);
    const r = await cli(p, ['compile', 'stack.yml', '-o', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error OUTPUT_NOT_OWNED: .* is not a directory meshc wrote: .*give a new or empty directory with -o/);
    expect(snapshot(p)).toEqual(before);
  });

  it('a Terraform directory (plan.json, main.tf, terraform.tfstate) given as -o is refused, byte-identical', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    const tf = join(p, 'infra');
    mkdirSync(tf);
    writeFileSync(join(tf, 'plan.json'), '{"format_version":"1.2","terraform_version":"1.9.0"}\n');
    writeFileSync(join(tf, 'main.tf'), 'resource "null_resource" "x" {}\n');
    writeFileSync(join(tf, 'terraform.tfstate'), '{"version":4}\n');
    chmodSync(join(tf, 'terraform.tfstate'), 0o600);
    const before = snapshot(tf);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'infra'])).code).toBe(2);
    expect(snapshot(tf)).toEqual(before);
  });

  it('-o equal to the stack\'s own directory is refused even from elsewhere, and writes no lock', async () => {
    const p = tempDir();
    const stacks = join(p, 'stacks');
    mkdirSync(stacks);
    writeFileSync(join(stacks, 'stack.yml'), SEED);
    const before = snapshot(p);
    const r = await cli(p, ['compile', 'stacks/stack.yml', '-o', 'stacks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED/);
    expect(snapshot(p)).toEqual(before);
    // The parent of the stack's directory, as well.
    expect((await cli(stacks, ['compile', 'stack.yml', '-o', '..'])).code).toBe(2);
    expect(snapshot(p)).toEqual(before);
  });

  it('a file added to meshc\'s own output makes it foreign: refused, byte-identical', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    writeFileSync(join(p, 'out', 'local', 'notes.txt'), 'mine\n');
    const before = snapshot(join(p, 'out'));
    const r = await cli(p, ['compile', 'stack.yml', '-o', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"local/notes.txt", which meshc did not write');
    expect(snapshot(join(p, 'out'))).toEqual(before);
  });

  it('recompiling meshc\'s own output replaces it; an old-style output (no marker, meshc\'s shape) is adopted', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    const first = snapshot(join(p, 'out'));
    expect(first['.meshc-output.json']).toBeDefined();
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    expect(snapshot(join(p, 'out'))).toEqual(first);
    unlinkSync(join(p, 'out', '.meshc-output.json'));
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    expect(snapshot(join(p, 'out'))).toEqual(first);
  });

  it('an old-style output with one foreign file is not adopted', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    unlinkSync(join(p, 'out', '.meshc-output.json'));
    writeFileSync(join(p, 'out', 'README.md'), 'keep\n');
    const before = snapshot(join(p, 'out'));
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(2);
    expect(snapshot(join(p, 'out'))).toEqual(before);
  });
});

describe('2. --diff reads only files meshc wrote, never through a symlink', () => {
  it('`compile -o LINK --diff` with LINK → a key directory prints nothing of it', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    const ssh = join(p, 'ssh');
    mkdirSync(ssh);
    writeFileSync(join(ssh, 'id_ed25519'), SECRET);
    writeFileSync(join(ssh, 'plan.json'), SECRET);
    symlinkSync(ssh, join(p, 'out'));
    const r = await cli(p, ['compile', 'stack.yml', '-o', 'out', '--diff']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('not-a-real-key');
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED: .*symbolic link/);
  });

  it('a symlink or an unlisted file planted inside meshc\'s output is refused before anything is read', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    writeFileSync(join(p, 'key'), SECRET);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    rmSync(join(p, 'out', 'local', 'host.rules'));
    symlinkSync(join(p, 'key'), join(p, 'out', 'local', 'host.rules'));
    const r = await cli(p, ['compile', 'stack.yml', '-o', 'out', '--diff']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain('not-a-real-key');
    const d = await cli(p, ['diff', 'out', 'out']);
    expect(d.code).toBe(2);
    expect(d.stdout + d.stderr).not.toContain('not-a-real-key');
  });

  it('diff of meshc\'s own output still works: no changes, then a changed port', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    const same = await cli(p, ['compile', 'stack.yml', '-o', 'out', '--diff']);
    expect([same.code, same.stdout]).toEqual([0, 'no changes\n']);
    writeFileSync(join(p, 'stack.yml'), SEED.replace('8888:80', '8889:80'));
    const changed = await cli(p, ['compile', 'stack.yml', '-o', 'out', '--diff']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('8889');
  });
});

// 3. (lock and tree one transaction) is proven in src/cli/output-tree.test.ts (rename of the
// lock fails after the swap: tree rolled back) and, with a really read-only stack directory
// as an unprivileged user, in test/kernel/output-locations.test.ts.

describe('12. diff arguments that are not meshc output trees are usage errors', () => {
  it.each([
    ['two files', ['stack.yml', 'stack.yml']],
    ['the filesystem root', ['/', 'out']],
    ['a directory that is not an output', ['.', 'out']],
  ])('meshc diff with %s exits 2 without a stack trace', async (_name, args) => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    const t0 = Date.now();
    const r = await cli(p, ['diff', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error OUTPUT_NOT_OWNED: /);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('`compile -o FILE --diff` exits 2', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    const r = await cli(p, ['compile', 'stack.yml', '-o', 'stack.yml', '--diff']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED: .*not a directory/);
    expect(readFileSync(join(p, 'stack.yml'), 'utf8')).toBe(SEED);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file inside a diffed output exits 2 (non-root: root reads anything)', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    chmodSync(join(p, 'out', 'plan.json'), 0);
    const r = await cli(p, ['diff', 'out', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FILE_UNREADABLE/);
  });

  it('an unreadable (here: vanished-then-replaced-by-a-FIFO) file inside a diffed output exits 2', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    expect((await cli(p, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    // A listed name that is no longer a regular file makes the tree foreign: refused before reading.
    rmSync(join(p, 'out', 'plan.json'));
    execFileSync('mkfifo', [join(p, 'out', 'plan.json')]);
    const r = await cli(p, ['diff', 'out', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('11. every input goes through one guard: regular files only, size-limited', () => {
  const lockOf = (p: string) => join(p, 'stack.yml.meshc-lock.json');

  it.each([
    ['a FIFO lock', (p: string) => execFileSync('mkfifo', [lockOf(p)]), /FIFO/],
    ['a /dev/zero lock', (p: string) => symlinkSync('/dev/zero', lockOf(p)), /device/],
    ['a directory as the lock', (p: string) => mkdirSync(lockOf(p)), /directory/],
  ])('%s is refused at once (exit 2), not read', async (_name, plant, why) => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    plant(p);
    const t0 = Date.now();
    const r = await cli(p, ['validate', 'stack.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it.each([
    ['FIFO', (path: string) => execFileSync('mkfifo', [path])],
    ['/dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ])('-i naming a %s is refused at once (exit 2)', async (_name, plant) => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    plant(join(p, 'inv.yml'));
    const r = await cli(p, ['validate', 'stack.yml', '-i', 'inv.yml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FILE_UNREADABLE: .*not a regular file/);
  });

  it('a stack file that is a FIFO or /dev/zero is refused at once (exit 2)', async () => {
    const p = tempDir();
    execFileSync('mkfifo', [join(p, 'fifo.yml')]);
    expect((await cli(p, ['validate', 'fifo.yml'])).code).toBe(2);
    expect((await cli(p, ['validate', '/dev/zero'])).code).toBe(2);
  });

  it('a lock and an inventory over the limit are refused by size before they are read (exit 1, INPUT_TOO_LARGE)', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), SEED);
    const big = Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20);
    writeFileSync(lockOf(p), big);
    writeFileSync(join(p, 'inv.yml'), big);
    const lock = await cli(p, ['validate', 'stack.yml']);
    expect(lock.code).toBe(1);
    expect(lock.stderr).toContain(`INPUT_TOO_LARGE: ${lockOf(p).replace(`${p}/`, '')} is ${MAX_INPUT_BYTES + 1} bytes`);
    rmSync(lockOf(p));
    const inv = await cli(p, ['validate', 'stack.yml', '-i', 'inv.yml']);
    expect(inv.code).toBe(1);
    expect(inv.stderr).toContain('INPUT_TOO_LARGE: inv.yml');
  });

  it('a stack over the limit keeps its positioned COMPOSE_FILE_TOO_LARGE (exit 1)', async () => {
    const p = tempDir();
    writeFileSync(join(p, 'stack.yml'), Buffer.concat([Buffer.from(SEED), Buffer.alloc(MAX_INPUT_BYTES, 0x20)]));
    const r = await cli(p, ['validate', 'stack.yml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^stack\.yml:1:1 error COMPOSE_FILE_TOO_LARGE: /m);
  });

  it('readGuardedInput reads a regular file whole and refuses the rest with a code', () => {
    const p = tempDir();
    writeFileSync(join(p, 'a'), 'abc');
    expect(readGuardedInput(join(p, 'a')).toString()).toBe('abc');
    expect(() => readGuardedInput(join(p, 'a'), 2)).toThrow(expect.objectContaining({ code: 'EFBIG', size: 3, limit: 2 }));
    expect(() => readGuardedInput('/dev/null')).toThrow(expect.objectContaining({ code: 'ENOTREG' }));
    expect(() => readGuardedInput(p)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(statSync(join(p, 'a')).size).toBe(3);
    expect(existsSync(join(p, 'missing'))).toBe(false);
    expect(() => readGuardedInput(join(p, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
