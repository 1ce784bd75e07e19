import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitOutputs, OutputNotOwnedError } from './output-tree.js';
import { inspectOutputDir, OUTPUT_MARKER } from './output-owner.js';
import type { OutputFile } from '../model/rules.js';

const file = (path: string, content = 'x\n', mode: 0o644 | 0o755 = 0o644): OutputFile => ({ path, content, mode });
const fresh = () => mkdtempSync(join(tmpdir(), 'meshc-out-'));
const write = (dir: string, files: readonly OutputFile[], lock?: { path: string; text: string }) => commitOutputs({ dir, files, lock });
const isRoot = process.getuid?.() === 0;

describe('commitOutputs', () => {
  it('writes every file with its mode and a marker, and replaces an earlier meshc output whole', () => {
    const dir = join(fresh(), 'out');
    write(dir, [file('plan.json'), file('n1/apply.sh', '#!/bin/bash\n', 0o755), file('n1/old.rules')]);
    expect(statSync(join(dir, 'n1/apply.sh')).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8'))).toEqual({ format: 'meshc-output', version: 1, files: ['n1/apply.sh', 'n1/old.rules', 'plan.json'] });
    write(dir, [file('plan.json', '{}\n'), file('n2/host.rules')]);
    expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, 'n2', 'plan.json']);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses paths that could escape the directory, and writes nothing', () => {
    const root = fresh();
    const dir = join(root, 'out');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden/../x', 'a/./b', '-rf', OUTPUT_MARKER]) {
      expect(() => write(dir, [file('plan.json'), file(bad)])).toThrow(/unsafe output path/);
    }
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('never replaces a directory holding a file meshc did not write, even beside a marker', () => {
    const dir = fresh();
    write(dir, [file('plan.json')]);
    writeFileSync(join(dir, 'precious.txt'), 'keep');
    expect(() => write(dir, [file('plan.json')])).toThrow(OutputNotOwnedError);
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('does not follow a symlink planted in the output directory: the tree is then not meshc\'s', () => {
    const root = fresh();
    const dir = join(root, 'out');
    const victim = join(root, 'victim');
    mkdirSync(victim);
    write(dir, [file('plan.json'), file('n1/host.rules')]);
    symlinkSync(victim, join(dir, 'n2'));
    expect(() => write(dir, [file('plan.json'), file('n2/host.rules', 'new\n')])).toThrow(/"n2", which meshc did not write/);
    expect(readdirSync(victim)).toEqual([]);
  });

  it('adopts a marker-less tree only when it is a whole output of an older meshc, never a lone plan.json', () => {
    const plan = JSON.stringify({ stack: 's', settings: {}, nodes: [], services: [] });
    const lone = fresh();
    writeFileSync(join(lone, 'plan.json'), plan);
    expect(inspectOutputDir(lone).kind).toBe('refused');
    const whole = fresh();
    writeFileSync(join(whole, 'plan.json'), plan);
    writeFileSync(join(whole, 'playbook.yml'), '- hosts: all\n');
    mkdirSync(join(whole, 'node1'));
    writeFileSync(join(whole, 'node1', 'apply.sh'), '#!/bin/bash\n');
    expect(inspectOutputDir(whole).kind).toBe('owned');
  });

  it('refuses an output path that is itself a symlink', () => {
    const root = fresh();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'out'));
    expect(() => write(join(root, 'out'), [file('plan.json')])).toThrow(/symbolic link/);
  });

  it('gives every file exactly its mode and every folder the usual one, whatever the umask narrows', () => {
    // stage() skips the chmod for a mode the umask leaves whole and chmods when it does not.
    for (const mask of [0o022, 0o077, 0o277, 0o000]) {
      const old = process.umask(mask);
      try {
        const dir = join(fresh(), 'out');
        write(dir, [file('n1/apply.sh', '#!/bin/bash\n', 0o755), file('n1/tasks/t1.rules'), file('n1/tasks/t2.rules'), file('n2/apply.sh', '#\n', 0o755), file('plan.json')]);
        for (const p of ['n1/apply.sh', 'n2/apply.sh']) expect(statSync(join(dir, p)).mode & 0o7777).toBe(0o755);
        for (const p of ['n1/tasks/t1.rules', 'n1/tasks/t2.rules', 'plan.json']) expect(statSync(join(dir, p)).mode & 0o7777).toBe(0o644);
        for (const p of ['n1', 'n1/tasks', 'n2']) expect(statSync(join(dir, p)).mode & 0o7777).toBe(0o777 & ~mask);
      } finally {
        process.umask(old);
      }
    }
  });

  it('keeps the directory\'s own mode; a new one gets the usual mode', () => {
    const root = fresh();
    const kept = join(root, 'kept');
    mkdirSync(kept);
    chmodSync(kept, 0o750);
    write(kept, [file('plan.json')]);
    write(kept, [file('plan.json', 'again\n')]);
    expect(statSync(kept).mode & 0o777).toBe(0o750);
    const made = join(root, 'made');
    write(made, [file('plan.json')]);
    expect(statSync(made).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  it('writes into a writable directory under a read-only parent (contents swapped, not the directory)', () => {
    const root = fresh();
    const dir = join(root, 'out');
    mkdirSync(dir);
    chmodSync(root, 0o555);
    try {
      write(dir, [file('plan.json')]);
      write(dir, [file('plan.json', 'two\n'), file('n1/host.rules')]);
      expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('two\n');
      expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, 'n1', 'plan.json']);
    } finally {
      chmodSync(root, 0o755);
    }
  });

  it.skipIf(isRoot)('lock and tree are one transaction: an unwritable lock directory changes nothing (non-root: root ignores modes)', () => {
    const root = fresh();
    const dir = join(root, 'out');
    write(dir, [file('plan.json', 'old\n'), file('n1/host.rules', 'old\n')]);
    const lockDir = join(root, 'ro');
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'stack.yml.meshc-lock.json'), 'old lock\n');
    chmodSync(lockDir, 0o555);
    try {
      expect(() => write(dir, [file('plan.json', 'new\n')], { path: join(lockDir, 'stack.yml.meshc-lock.json'), text: 'new lock\n' })).toThrow();
    } finally {
      chmodSync(lockDir, 0o755);
    }
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('old\n');
    expect(readFileSync(join(dir, 'n1/host.rules'), 'utf8')).toBe('old\n');
    expect(readFileSync(join(lockDir, 'stack.yml.meshc-lock.json'), 'utf8')).toBe('old lock\n');
  });

  it('rolls the tree back when the lock rename fails after the swap', () => {
    const root = fresh();
    const dir = join(root, 'out');
    write(dir, [file('plan.json', 'old\n'), file('n1/host.rules', 'old\n')]);
    // A directory where the lock should go: the temporary is written, the rename (file over directory) fails.
    const lockPath = join(root, 'stack.yml.meshc-lock.json');
    mkdirSync(lockPath);
    writeFileSync(join(lockPath, 'inside'), 'keep');
    expect(() => write(dir, [file('plan.json', 'new\n'), file('n2/host.rules')], { path: lockPath, text: 'lock\n' })).toThrow();
    expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, 'n1', 'plan.json']);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('old\n');
    expect(readFileSync(join(lockPath, 'inside'), 'utf8')).toBe('keep');
    expect(readdirSync(root).sort()).toEqual(['out', 'stack.yml.meshc-lock.json']);
  });

  it('a new directory is removed again when the transaction fails', () => {
    const root = fresh();
    const lockPath = join(root, 'lock-dir');
    mkdirSync(lockPath);
    expect(() => write(join(root, 'out'), [file('plan.json')], { path: lockPath, text: 'lock\n' })).toThrow();
    expect(readdirSync(root)).toEqual(['lock-dir']);
  });

  it('refuses a directory that holds the stack (the lock\'s directory)', () => {
    const root = fresh();
    writeFileSync(join(root, 'stack.yml'), 'services: {}\n');
    expect(() => commitOutputs({ dir: root, files: [file('plan.json')], protect: [join(root, 'stack.yml.meshc-lock.json')] })).toThrow(OutputNotOwnedError);
    expect(() => commitOutputs({ dir: join(root, '..'), files: [file('plan.json')], protect: [join(root, 'x.lock')] })).toThrow(OutputNotOwnedError);
    expect(readdirSync(root)).toEqual(['stack.yml']);
  });
});

describe('inspectOutputDir', () => {
  const plan = JSON.stringify({ stack: 's', settings: {}, nodes: [], services: [] });

  it('adopts an old-style meshc tree (meshc plan.json and only meshc-shaped entries)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'plan.json'), plan);
    writeFileSync(join(dir, 'playbook.yml'), '');
    mkdirSync(join(dir, 'node-1', 'tasks'), { recursive: true });
    for (const f of ['apply.sh', 'host.rules', 'ingress.rules', 'ipvs.rules', 'health-agent.sh', 'meshc-health.service', 'health.marks', 'tasks/s_web.1.rules']) writeFileSync(join(dir, 'node-1', f), '');
    const state = inspectOutputDir(dir);
    expect(state.kind).toBe('owned');
  });

  it.each([
    ['a Terraform directory', { 'plan.json': '{"format_version":"1.1"}', 'main.tf': '' }],
    ['a foreign plan.json alone', { 'plan.json': '{"format_version":"1.1"}' }],
    ['a meshc plan.json beside a README', { 'plan.json': plan, 'README.md': 'keep' }],
    ['a meshc plan.json beside a stack', { 'plan.json': plan, 'stack.yml': 'services: {}' }],
    ['no plan.json', { 'notes.txt': '' }],
    ['a marker of another format', { [OUTPUT_MARKER]: '{"format":"other","version":1,"files":[]}' }],
    ['a marker of a later version', { [OUTPUT_MARKER]: '{"format":"meshc-output","version":2,"files":[]}' }],
    ['a marker listing an unsafe path', { [OUTPUT_MARKER]: '{"format":"meshc-output","version":1,"files":["../x"]}' }],
  ])('refuses %s', (_name, entries) => {
    const dir = fresh();
    for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
    expect(inspectOutputDir(dir).kind).toBe('refused');
  });

  it('names a leftover of an interrupted run as such', () => {
    const dir = fresh();
    commitOutputs({ dir, files: [file('plan.json')] });
    mkdirSync(join(dir, '.meshc-old-abc123'));
    const state = inspectOutputDir(dir);
    expect(state.kind === 'refused' && state.reason).toMatch(/"\.meshc-old-abc123", left by an interrupted meshc run/);
  });

  it('refuses / at once, without walking it', () => {
    const t0 = Date.now();
    expect(inspectOutputDir('/').kind).toBe('refused');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
