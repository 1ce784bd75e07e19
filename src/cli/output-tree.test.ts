import { describe, expect, it } from 'vitest';
import { chmodSync, rmSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitOutputs, OutputError } from './output-tree.js';
import { MARKER_NAME } from './output-marker.js';
import type { OutputFile } from '../model/rules.js';

const file = (path: string, content = 'x\n', mode: 0o644 | 0o755 = 0o644): OutputFile => ({ path, content, mode });
const fresh = () => mkdtempSync(join(tmpdir(), 'meshc-out-'));
const write = (dir: string, files: OutputFile[], lock?: { path: string; text: string }) => commitOutputs({ dir, files, ...(lock ? { lock } : {}) });
const thrown = (f: () => void): OutputError => {
  try {
    f();
  } catch (err) {
    return err as OutputError;
  }
  throw new Error('expected a throw');
};
/** Every file below dir with its bytes: the proof that foreign content is untouched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('commitOutputs', () => {
  it('writes every file with its mode and the marker, and replaces its own earlier output whole', () => {
    const dir = join(fresh(), 'out');
    write(dir, [file('plan.json'), file('n1/apply.sh', '#!/bin/bash\n', 0o755), file('n1/old.rules')]);
    expect(statSync(join(dir, 'n1/apply.sh')).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(join(dir, MARKER_NAME), 'utf8'))).toMatchObject({ format: 'meshc-output', version: 1 });
    write(dir, [file('plan.json', '{}\n'), file('n2/host.rules')]);
    expect(readdirSync(dir).sort()).toEqual([MARKER_NAME, 'n2', 'plan.json']);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses paths that could escape the directory, and writes nothing', () => {
    const root = fresh();
    const dir = join(root, 'out');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden/../x', 'a/./b', '-rf', '.meshc-output.json']) {
      expect(() => write(dir, [file('plan.json'), file(bad)])).toThrow(/unsafe output path/);
    }
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  // Issue 13 item 1: `meshc plan > plan.json` beside a stack must not make the folder meshc's.
  it('never replaces a directory it did not write, even one holding a plan.json', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'stack.yml'), 'services: {}\n');
    writeFileSync(join(dir, 'README.md'), 'keep\n');
    writeFileSync(join(dir, 'plan.json'), '{"services": []}\n');
    writeFileSync(join(dir, 'main.tf'), 'terraform {}\n');
    const before = snapshot(dir);
    const err = thrown(() => write(dir, [file('plan.json')]));
    expect(err.notOwned).toBe(true);
    expect(err.message).toMatch(/not written by meshc.*choose a new or empty directory/s);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a marker it did not write (other format, version, or a symlink), touching nothing', () => {
    for (const marker of ['{}', '{"format":"meshc-output","version":2,"files":[]}', 'not json', '{"format":"meshc-output","version":1,"files":["../x"]}']) {
      const dir = fresh();
      writeFileSync(join(dir, MARKER_NAME), marker);
      writeFileSync(join(dir, 'keep'), 'k');
      const before = snapshot(dir);
      expect(thrown(() => write(dir, [file('plan.json')])).notOwned).toBe(true);
      expect(snapshot(dir)).toEqual(before);
    }
    const dir = fresh();
    const real = join(fresh(), 'm.json');
    writeFileSync(real, '{"format":"meshc-output","version":1,"files":[]}');
    symlinkSync(real, join(dir, MARKER_NAME));
    expect(thrown(() => write(dir, [file('plan.json')])).notOwned).toBe(true);
  });

  it('refuses its own output once foreign files were added to it, and keeps them', () => {
    const dir = join(fresh(), 'out');
    write(dir, [file('plan.json'), file('n1/host.rules')]);
    writeFileSync(join(dir, 'n1', 'notes.txt'), 'mine\n');
    const before = snapshot(dir);
    expect(thrown(() => write(dir, [file('plan.json')])).message).toMatch(/n1\/notes.txt, which meshc did not write/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses when a listed file was replaced by a folder (someone else’s content)', () => {
    const dir = join(fresh(), 'out');
    write(dir, [file('plan.json'), file('n1/host.rules')]);
    rmSync(join(dir, 'plan.json'));
    mkdirSync(join(dir, 'plan.json'));
    writeFileSync(join(dir, 'plan.json', 'x'), 'mine');
    expect(thrown(() => write(dir, [file('plan.json')])).notOwned).toBe(true);
    expect(readFileSync(join(dir, 'plan.json', 'x'), 'utf8')).toBe('mine');
  });

  it('does not follow a symlink planted in the output directory', () => {
    const root = fresh();
    const dir = join(root, 'out');
    const victim = join(root, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'id_rsa'), 'secret');
    write(dir, [file('plan.json'), file('n2/host.rules')]);
    rmSync(join(dir, 'n2'), { recursive: true });
    symlinkSync(victim, join(dir, 'n2'));
    write(dir, [file('plan.json'), file('n2/host.rules', 'new\n')]);
    expect(readdirSync(victim)).toEqual(['id_rsa']);
    expect(readFileSync(join(dir, 'n2/host.rules'), 'utf8')).toBe('new\n');
  });

  it('refuses an output path that is itself a symlink', () => {
    const root = fresh();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'out'));
    expect(thrown(() => write(join(root, 'out'), [file('plan.json')])).message).toMatch(/symbolic link/);
  });

  // Issue 13 item 4: the directory is never renamed, so a mount point or a read-only parent works.
  it('replaces contents in place: the directory keeps its inode and mode, under a read-only parent', () => {
    // As root the parent's write bits are not enforced; the unchanged inode still proves no rename.
    const parent = fresh();
    const dir = join(parent, 'out');
    mkdirSync(dir, { mode: 0o750 });
    chmodSync(dir, 0o750);
    const ino = statSync(dir).ino;
    chmodSync(parent, 0o555);
    try {
      write(dir, [file('plan.json')]);
      write(dir, [file('plan.json', '2\n')]);
    } finally {
      chmodSync(parent, 0o755);
    }
    expect(statSync(dir).ino).toBe(ino);
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect(readdirSync(dir).sort()).toEqual([MARKER_NAME, 'plan.json']);
  });

  // Issue 13 item 3: the lock and the tree are one transaction.
  it('writes the lock with the tree, and changes neither when the lock cannot be written', () => {
    const root = fresh();
    const dir = join(root, 'out');
    const lockDir = join(root, 'stack');
    mkdirSync(lockDir);
    write(dir, [file('plan.json', 'old\n')], { path: join(lockDir, 'stack.yml.meshc-lock.json'), text: 'lock1\n' });
    expect(readFileSync(join(lockDir, 'stack.yml.meshc-lock.json'), 'utf8')).toBe('lock1\n');
    const before = snapshot(root);
    // A lock whose directory does not exist stands for any unwritable lock location (root ignores mode bits).
    const err = thrown(() => write(dir, [file('plan.json', 'new\n')], { path: join(root, 'missing', 'x.meshc-lock.json'), text: 'lock2\n' }));
    expect(err.notOwned).toBe(false);
    expect(snapshot(root)).toEqual(before);
  });

  it('rolls the tree back when the lock rename fails at the last step', () => {
    const root = fresh();
    const dir = join(root, 'out');
    write(dir, [file('plan.json', 'old\n'), file('n1/host.rules', 'a\n')]);
    // A directory where the lock should go: the staged temp file is written, the rename fails.
    mkdirSync(join(root, 'lock.json'));
    writeFileSync(join(root, 'lock.json', 'inside'), 'x');
    const before = snapshot(root);
    expect(() => write(dir, [file('plan.json', 'new\n')], { path: join(root, 'lock.json'), text: 'l\n' })).toThrow();
    expect(snapshot(root)).toEqual(before);
    expect(readdirSync(root).sort()).toEqual(['lock.json', 'out']);
  });
});
