/**
 * Issue 13's file-safety regressions, run through the whole CLI in-process on the real
 * file system: meshc never deletes, overwrites or prints a file it did not write, the lock
 * and the tree change together or not at all, and no input can hang it or crash it.
 * Every data-loss case compares every foreign byte before and after.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { readGuarded } from '../../../src/cli/guarded-read.js';

const SEED = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n  dyn:\n    image: nginx\n    ports: ["80"]\n';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workdir(files: Record<string, string> = { 'stack.yml': SEED }): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-safety-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function cli(cwd: string, argv: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => readGuarded(resolve(cwd, p)),
    readStdin: () => Buffer.from(stdin),
    exists: (p) => existsSync(resolve(cwd, p)),
  };
  return { code: await run(argv, io), stdout: out.join(''), stderr: err.join('') };
}

/** Every file below dir with its bytes (links as their target's name). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = statSync(join(dir, path), { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(path);
      else out[path] = st ? readFileSync(join(dir, path), 'utf8') : '<dangling>';
    }
  };
  walk('');
  return out;
}

describe('output ownership (issue 13 item 1)', () => {
  it('`compile -o .` beside the stack, README and a `meshc plan` output deletes nothing', async () => {
    const dir = workdir({ 'stack.yml': SEED, 'README.md': 'keep\n' });
    const plan = await cli(dir, ['plan', 'stack.yml']);
    writeFileSync(join(dir, 'plan.json'), plan.stdout);
    const before = snapshot(dir);
    const r = await cli(dir, ['compile', 'stack.yml', '-o', '.']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/OUTPUT_NOT_OWNED.*choose a new or empty directory/s);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a Terraform-style directory given as -o is refused whole', async () => {
    const dir = workdir({ 'stack.yml': SEED, 'tf/plan.json': '{}', 'tf/main.tf': 'x', 'tf/terraform.tfstate': 's' });
    const before = snapshot(dir);
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'tf'])).code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it('its own output is replaced; a new one is made; an empty directory is taken', async () => {
    const dir = workdir({ 'stack.yml': SEED });
    mkdirSync(join(dir, 'empty'));
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'empty'])).code).toBe(0);
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'empty'])).code).toBe(0);
    expect(readdirSync(join(dir, 'empty'))).toContain('plan.json');
  });
});

describe('--diff and meshc diff read only what meshc wrote (items 2, 12)', () => {
  it('compile -o LINK --diff prints nothing of the link target', async () => {
    const dir = workdir({ 'stack.yml': SEED, 'ssh/id_rsa': 'PRIVATE KEY\n', 'ssh/plan.json': '{}' });
    symlinkSync(join(dir, 'ssh'), join(dir, 'out'));
    const r = await cli(dir, ['compile', 'stack.yml', '-o', 'out', '--diff']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY/);
  });

  it('a file meshc did not list, or a listed file swapped for a link, is never printed', async () => {
    const dir = workdir({ 'stack.yml': SEED, 'secret.txt': 'PRIVATE KEY\n' });
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'a'])).code).toBe(0);
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'b'])).code).toBe(0);
    rmSync(join(dir, 'a/local/host.rules'));
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'a/local/host.rules'));
    const r = await cli(dir, ['diff', 'a', 'b']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it.each([
    ['diff FILE FILE', ['diff', 'stack.yml', 'stack.yml']],
    ['diff / X', ['diff', '/', 'stack.yml']],
    ['diff of a missing directory', ['diff', 'nope', 'nope2']],
    ['compile -o FILE --diff', ['compile', 'stack.yml', '-o', 'stack.yml', '--diff']],
  ])('%s is a usage error (exit 2), not a crash or a walk', async (_name, argv) => {
    const dir = workdir();
    const r = await cli(dir, argv);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('an unreadable file inside a diffed tree is an I/O error (exit 2), not a stack trace', async () => {
    // A listed file that became a directory stands in for unreadable (root reads mode-000 files).
    const dir = workdir();
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'a'])).code).toBe(0);
    rmSync(join(dir, 'a/plan.json'));
    mkdirSync(join(dir, 'a/plan.json'));
    const r = await cli(dir, ['diff', 'a', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('the lock and the tree are one transaction (item 3)', () => {
  it('when the lock cannot be written, the old tree stays as it was', async () => {
    const dir = workdir({ 'stacks/stack.yml': SEED });
    expect((await cli(dir, ['compile', 'stacks/stack.yml', '-o', 'out'])).code).toBe(0);
    rmSync(join(dir, 'stacks/stack.yml.meshc-lock.json'));
    // A directory in the lock's place: staging works, the final rename cannot.
    mkdirSync(join(dir, 'stacks/stack.yml.meshc-lock.json'));
    const before = snapshot(dir);
    const r = await cli(dir, ['compile', 'stacks/stack.yml', '-o', 'out']);
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('lock names (item 5)', () => {
  it('app.yml and app.yaml keep separate locks', async () => {
    const dir = workdir({ 'app.yml': SEED, 'app.yaml': SEED.replace('8888', '9999') });
    expect((await cli(dir, ['compile', 'app.yml', '-o', 'o1'])).code).toBe(0);
    expect((await cli(dir, ['compile', 'app.yaml', '-o', 'o2'])).code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.meshc-lock.json')).sort()).toEqual(['app.yaml.meshc-lock.json', 'app.yml.meshc-lock.json']);
  });

  it('a legacy lock is adopted when it is unambiguous, so ports stay where they were', async () => {
    const dir = workdir();
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, 'stack.yml.meshc-lock.json'), 'utf8')) as { ports: { dyn: Record<string, number[]> } };
    lock.ports.dyn['80/tcp'] = [31234];
    rmSync(join(dir, 'stack.yml.meshc-lock.json'));
    writeFileSync(join(dir, 'stack.meshc-lock.json'), JSON.stringify(lock));
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    expect(readFileSync(join(dir, 'stack.yml.meshc-lock.json'), 'utf8')).toMatch(/31234/);
    expect(readFileSync(join(dir, 'stack.meshc-lock.json'), 'utf8')).toMatch(/31234/);
  });

  it('a legacy lock two stack files could own is not adopted', async () => {
    const dir = workdir({ 'stack.yml': SEED, 'stack.yaml': SEED });
    writeFileSync(join(dir, 'stack.meshc-lock.json'), '{"version":1,"ports":{"dyn":{"80/tcp":[31234]}},"fwmarks":{},"ips":{"nodes":{},"vips":{},"tasks":{}}}');
    expect((await cli(dir, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
    expect(readFileSync(join(dir, 'stack.yml.meshc-lock.json'), 'utf8')).not.toMatch(/31234/);
  });

  it('a stack on stdin writes no lock into the working directory unless --lock names one', async () => {
    const dir = workdir({});
    const r = await cli(dir, ['compile', '-', '--stack', 's', '-o', 'out'], SEED);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out']);
    expect((await cli(dir, ['compile', '-', '--stack', 's', '-o', 'out', '--lock', 'my.lock.json'], SEED)).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['my.lock.json', 'out']);
  });
});

describe('inputs cannot hang or exhaust meshc (item 11)', () => {
  it.each([
    ['a FIFO lock', (d: string) => execFileSync('mkfifo', [join(d, 'stack.yml.meshc-lock.json')]), ['validate', 'stack.yml']],
    ['a /dev/zero lock', (d: string) => symlinkSync('/dev/zero', join(d, 'stack.yml.meshc-lock.json')), ['validate', 'stack.yml']],
    ['a /dev/zero inventory', () => undefined, ['validate', 'stack.yml', '-i', '/dev/zero']],
    ['a FIFO inventory', (d: string) => execFileSync('mkfifo', [join(d, 'inv.yml')]), ['validate', 'stack.yml', '-i', 'inv.yml']],
    ['a directory inventory', (d: string) => mkdirSync(join(d, 'inv')), ['validate', 'stack.yml', '-i', 'inv']],
    ['a FIFO stack', (d: string) => execFileSync('mkfifo', [join(d, 'fifo.yml')]), ['validate', 'fifo.yml']],
    ['a /dev/zero stack', () => undefined, ['validate', '/dev/zero']],
  ])('%s is refused at once with exit 2', async (_name, prepare, argv) => {
    const dir = workdir();
    prepare(dir);
    const started = Date.now();
    const r = await cli(dir, argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/FILE_UNREADABLE.*(regular file|directory)/);
    expect(Date.now() - started).toBeLessThan(60_000); // a hang would never get here; not a timing assertion
  });

  it('an oversized lock is refused before it is read whole', () => {
    const dir = workdir();
    const big = join(dir, 'big');
    writeFileSync(big, '');
    execFileSync('truncate', ['-s', '100M', big]);
    expect(() => readGuarded(big)).toThrow(/larger than 64 MB/);
    chmodSync(big, 0o644);
  });
});
