import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutputTree } from './output-tree.js';
import type { OutputFile } from '../model/rules.js';

const file = (path: string, content = 'x\n', mode: 0o644 | 0o755 = 0o644): OutputFile => ({ path, content, mode });
const fresh = () => mkdtempSync(join(tmpdir(), 'meshc-out-'));

describe('writeOutputTree', () => {
  it('writes every file with its mode and replaces an earlier meshc output whole', () => {
    const dir = join(fresh(), 'out');
    writeOutputTree(dir, [file('plan.json'), file('n1/apply.sh', '#!/bin/bash\n', 0o755), file('n1/old.rules')]);
    expect(statSync(join(dir, 'n1/apply.sh')).mode & 0o777).toBe(0o755);
    writeOutputTree(dir, [file('plan.json', '{}\n'), file('n2/host.rules')]);
    expect(readdirSync(dir).sort()).toEqual(['n2', 'plan.json']);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses paths that could escape the directory, and writes nothing', () => {
    const root = fresh();
    const dir = join(root, 'out');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden/../x', 'a/./b', '-rf']) {
      expect(() => writeOutputTree(dir, [file('plan.json'), file(bad)])).toThrow(/unsafe output path/);
    }
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('never replaces a directory that is not a meshc output', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'precious.txt'), 'keep');
    expect(() => writeOutputTree(dir, [file('plan.json')])).toThrow(/not a meshc output/);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('does not follow a symlink planted in the output directory', () => {
    const root = fresh();
    const dir = join(root, 'out');
    const victim = join(root, 'victim');
    mkdirSync(victim);
    writeOutputTree(dir, [file('plan.json'), file('n1/host.rules')]);
    symlinkSync(victim, join(dir, 'n2'));
    writeOutputTree(dir, [file('plan.json'), file('n2/host.rules', 'new\n')]);
    expect(readdirSync(victim)).toEqual([]);
    expect(readFileSync(join(dir, 'n2/host.rules'), 'utf8')).toBe('new\n');
  });

  it('refuses an output path that is itself a symlink', () => {
    const root = fresh();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'out'));
    expect(() => writeOutputTree(join(root, 'out'), [file('plan.json')])).toThrow(/symbolic link/);
  });
});
