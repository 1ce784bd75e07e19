/**
 * The real `pre-commit` framework running meshc's published hooks
 * (.pre-commit-hooks.yaml) in a throwaway git repository.
 *
 * The hooks are `language: system` with `entry: meshc validate`, so the test puts a
 * `meshc` shim for this checkout (node bin/meshc.js) first on PATH, and points
 * `repo:` at a scratch git repository holding a copy of this checkout's
 * .pre-commit-hooks.yaml: pre-commit clones a repo at a commit, and the file under
 * test may not be committed yet. That exercises the hook definitions as users get
 * them (files pattern, excludes, pass_filenames), the git hook pre-commit installs,
 * and meshc's exit code and messages; no registry is involved.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESHC, ROOT, announceSkip, hasTool, meshcSkipReason, sh, tempDir } from './tools.js';

const GOOD = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n';
// Lines 6 and 10 both publish 8080/tcp in ingress mode: Swarm refuses the deploy.
const BAD = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n  api:\n    image: nginx:1.27\n    ports:\n      - "8080:81"\n';

const scratch = tempDir('pre-commit');
const skip = skipReason();
announceSkip('pre-commit', skip);
afterAll(() => scratch.remove());

function skipReason(): string | null {
  for (const tool of ['git', 'pre-commit']) if (!hasTool(tool)) return `${tool} is not installed`;
  writeFileSync(join(scratch.path, 'probe-stack.yml'), GOOD);
  return meshcSkipReason(['validate', 'probe-stack.yml'], scratch.path);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${join(scratch.path, 'bin')}:${process.env.PATH ?? ''}`,
  PRE_COMMIT_HOME: join(scratch.path, 'cache'),
  GIT_AUTHOR_NAME: 'meshc test', GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'meshc test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
  NO_COLOR: '1',
};
const project = join(scratch.path, 'project');
const git = (...args: string[]) => sh(['git', ...args], { cwd: project, env });
const commits = () => Number(git('rev-list', '--count', 'HEAD').out.trim() || '0');

/** A git repo holding this checkout's hook definitions; returns the commit to pin. */
function hookRepo(): { path: string; rev: string } {
  const path = join(scratch.path, 'hooks');
  mkdirSync(path);
  copyFileSync(join(ROOT, '.pre-commit-hooks.yaml'), join(path, '.pre-commit-hooks.yaml'));
  for (const args of [['init', '-q'], ['add', '.'], ['commit', '-q', '-m', 'hooks']]) sh(['git', ...args], { cwd: path, env });
  return { path, rev: sh(['git', 'rev-parse', 'HEAD'], { cwd: path, env }).out.trim() };
}

function commitFiles(files: Record<string, string>, message: string) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(project, name, '..'), { recursive: true });
    writeFileSync(join(project, name), content);
    git('add', name);
  }
  return git('commit', '-m', message);
}

describe.skipIf(skip)(skip ? `pre-commit (skipped: ${skip})` : 'pre-commit runs meshc-validate and meshc-lock', () => {
  beforeAll(() => {
    mkdirSync(join(scratch.path, 'bin'));
    writeFileSync(join(scratch.path, 'bin', 'meshc'), `#!/bin/sh\nexec node '${MESHC}' "$@"\n`);
    chmodSync(join(scratch.path, 'bin', 'meshc'), 0o755);
    const hooks = hookRepo();
    mkdirSync(project);
    git('init', '-q');
    const config = `repos:\n  - repo: ${hooks.path}\n    rev: ${hooks.rev}\n    hooks:\n      - id: meshc-validate\n`;
    commitFiles({ '.pre-commit-config.yaml': config }, 'config');
    const install = sh(['pre-commit', 'install'], { cwd: project, env });
    expect(install.status, install.out).toBe(0);
  }, 120_000);

  it('lets a valid stack through', () => {
    const r = commitFiles({ 'stack.yml': GOOD }, 'good stack');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/meshc validate.*Passed/);
    expect(commits()).toBe(2);
  });

  it('blocks an invalid stack and shows meshc\'s file:line:col message', () => {
    const r = commitFiles({ 'deploy/prod.stack.yml': BAD }, 'bad stack');
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/meshc validate.*Failed/);
    expect(r.out).toMatch(/deploy\/prod\.stack\.yml:(6|10):\d+ error [A-Z_]+: /);
    expect(commits()).toBe(2);
    git('reset', '-q', 'HEAD', 'deploy/prod.stack.yml');
  });

  it('does not pass YAML files that are not stacks, nor override files', () => {
    const r = commitFiles({ 'ci/workflow.yml': BAD, 'compose.override.yml': 'services: {web: {ports: [1]}}\n' }, 'other yaml');
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/meshc validate.*Skipped/);
  });

  it('meshc-lock blocks a stack whose lock file is missing or stale, and passes once it is committed', () => {
    const config = `repos:\n  - repo: ${join(scratch.path, 'hooks')}\n    rev: ${sh(['git', 'rev-parse', 'HEAD'], { cwd: join(scratch.path, 'hooks'), env }).out.trim()}\n    hooks:\n      - id: meshc-lock\n`;
    expect(commitFiles({ '.pre-commit-config.yaml': config }, 'lock hook').status).toBe(0);
    const stale = commitFiles({ 'lock/stack.yml': GOOD }, 'no lock yet');
    expect(stale.status).not.toBe(0);
    expect(stale.out).toMatch(/lock\/stack\.yml\.meshc-lock\.json:1:1 error LOCK_STALE/);
    const compile = sh(['node', MESHC, 'compile', 'stack.yml', '-o', join(scratch.path, 'out')], { cwd: join(project, 'lock'), env });
    expect(compile.status, compile.out).toBe(0);
    git('add', 'lock/stack.yml.meshc-lock.json');
    const fresh = git('commit', '-m', 'with lock');
    expect(fresh.status, fresh.out).toBe(0);
  });
});

describe.skipIf(skip)(skip ? `plain git hook (skipped: ${skip})` : 'the plain git hook from README.md and docs/integrations.md', () => {
  const repo = join(scratch.path, 'plain');
  const run = (...args: string[]) => sh(['git', ...args], { cwd: repo, env });

  beforeAll(() => {
    const doc = readFileSync(join(ROOT, 'docs', 'integrations.md'), 'utf8');
    const hook = /```sh\n(#!\/bin\/sh\n# Validate the staged stack files[\s\S]*?)```/.exec(doc)?.[1];
    expect(hook, 'hook script in docs/integrations.md').toBeDefined();
    // The README shows the same hook: what this test runs is what users copy from either.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(/```sh\n(#!\/bin\/sh\n# Validate the staged stack files[\s\S]*?)```/.exec(readme)?.[1]).toBe(hook);
    mkdirSync(repo);
    run('init', '-q');
    writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), hook!);
    chmodSync(join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
  }, 60_000);

  const commit = (files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(repo, name, '..'), { recursive: true });
      writeFileSync(join(repo, name), content);
      run('add', name);
    }
    return run('commit', '-m', 'x');
  };

  it('blocks a bad stack with meshc\'s message and lets other files and a locked stack through', () => {
    const bad = commit({ 'compose.yaml': BAD });
    expect(bad.status).not.toBe(0);
    expect(bad.out).toMatch(/compose\.yaml:(6|10):\d+ error [A-Z_]+: /);
    run('rm', '-q', '--cached', 'compose.yaml');
    expect(commit({ 'notes.yml': BAD }).status).toBe(0);
    writeFileSync(join(repo, 'stack.yml'), GOOD);
    const compile = sh(['node', MESHC, 'compile', 'stack.yml', '-o', join(scratch.path, 'plain-out')], { cwd: repo, env });
    expect(compile.status, compile.out).toBe(0);
    const good = commit({ 'stack.yml': GOOD, 'stack.yml.meshc-lock.json': readFileSync(join(repo, 'stack.yml.meshc-lock.json'), 'utf8') });
    expect(good.status, good.out).toBe(0);
  });
});
