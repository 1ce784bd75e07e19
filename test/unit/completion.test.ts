/**
 * `meshc completion bash`, run by the real bash: the script is sourced, COMP_WORDS is set
 * as readline would set it, and _meshc's COMPREPLY is compared with what the CLI's own
 * --help lists, so the completions cannot drift from the commands.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { titled, toolSkipReason } from '../support/tools.js';

async function meshc(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = {
    cwd: process.cwd(),
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t) => void (out += t),
    stderr: () => undefined,
    readFile: (p) => readFileSync(resolve(p)),
    readStdin: () => Buffer.from(''),
  };
  const code = await run(argv, io);
  return { code, out };
}

const script = (await meshc(['completion', 'bash'])).out;
const cwd = mkdtempSync(join(tmpdir(), 'meshc-completion-'));
writeFileSync(join(cwd, 'stack.yml'), '');
writeFileSync(join(cwd, 'stack.prod.yaml'), '');
writeFileSync(join(cwd, 'notes.txt'), '');
mkdirSync(join(cwd, 'stacks'));
mkdirSync(join(cwd, 'out.old'));
writeFileSync(join(cwd, 'completion.bash'), script);

/** What bash completes for the command line `words` (the last word being completed). */
function complete(...words: string[]): string[] {
  const setup = `source ./completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _meshc; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', setup], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** The long options `meshc COMMAND --help` lists. */
async function helpOptions(command: string): Promise<string[]> {
  const help = (await meshc([command, '--help'])).out;
  return [...new Set([...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!))].sort();
}

const shellcheckSkip = toolSkipReason('shellcheck');

describe('meshc completion bash', () => {
  it('is valid bash', () => {
    expect(spawnSync('bash', ['-n', join(cwd, 'completion.bash')]).status).toBe(0);
  });

  it.skipIf(shellcheckSkip !== null)(titled('passes shellcheck', shellcheckSkip), () => {
    const sc = spawnSync('shellcheck', ['-s', 'bash', join(cwd, 'completion.bash')], { encoding: 'utf8' });
    expect(sc.status, sc.stdout).toBe(0);
  });

  it('completes every command --help lists, and only those', async () => {
    const help = (await meshc(['--help'])).out;
    const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]!).sort();
    expect(commands).toContain('compile');
    expect(complete('meshc', '').filter((w) => !w.startsWith('-'))).toEqual(commands);
    expect(complete('meshc', 'comp')).toEqual(['compile', 'completion']);
  });

  it.each(['validate', 'compile', 'config', 'plan', 'explain'])('completes every option of %s', async (command) => {
    const options = await helpOptions(command);
    expect(options).toContain('--help');
    expect(complete('meshc', command, '--').filter((w) => w.startsWith('--'))).toEqual(options);
  });

  it('completes option values: format choices, directories for -o, stack files for -i and arguments', () => {
    expect(complete('meshc', 'compile', '--format', '')).toEqual(['files', 'github', 'json', 'sarif', 'text']);
    expect(complete('meshc', 'validate', '--format', 's')).toEqual(['sarif']);
    expect(complete('meshc', 'compile', '-o', '')).toEqual(['out.old', 'stacks']);
    expect(complete('meshc', 'compile', '-i', 'st')).toEqual(['stack.prod.yaml', 'stack.yml', 'stacks']);
    expect(complete('meshc', 'validate', '')).toEqual(['out.old', 'stack.prod.yaml', 'stack.yml', 'stacks']);
    expect(complete('meshc', 'diff', '')).toEqual(['out.old', 'stacks']);
    expect(complete('meshc', 'compile', '--stack', '')).toEqual([]);
    expect(complete('meshc', 'completion', '')).toEqual(['bash']);
  });
});
