/**
 * The CLI in-process over an in-memory file system: hardening tests feed it thousands of
 * generated inputs, so nothing touches disk unless a test asks for it. `compileJson` is
 * `meshc compile --format json`: the whole pipeline, files returned instead of written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from '../../../src/cli/main.js';
import { nodeIo, type CliIo } from '../../../src/cli/io.js';
import { readGuardedInput } from '../../../src/driver/inputs.js';

export const CWD = '/meshc-hardening';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `meshc argv` with `files` (relative to CWD) as the only readable files. */
export async function runMem(argv: readonly string[], files: Readonly<Record<string, string | Buffer>>, env: Record<string, string> = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const fs = new Map(Object.entries(files).map(([p, c]) => [resolve(CWD, p), typeof c === 'string' ? Buffer.from(c) : c]));
  const io: CliIo = {
    cwd: CWD,
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => {
      const hit = fs.get(resolve(CWD, p));
      if (hit) return hit;
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    },
    readStdin: () => fs.get(resolve(CWD, '-')) ?? Buffer.alloc(0),
  };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * The CLI in-process on the real file system, relative to `cwd`, with the real guarded
 * reader every input goes through (as nodeIo has it) and `stdin` as standard input.
 */
export async function runOnDisk(cwd: string, argv: readonly string[], stdin: string | Buffer = ''): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    ...nodeIo(),
    cwd,
    env: {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => readGuardedInput(resolve(cwd, p)),
    readStdin: () => Buffer.from(stdin),
  };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export interface Compiled extends CliResult {
  /** Output path → content, when the compile succeeded. */
  readonly files: ReadonlyMap<string, string>;
}

/** `meshc compile stack.yml --format json [extra]`, with an inventory when given. */
export async function compileJson(stack: string | Buffer, opts: { inventory?: string; argv?: readonly string[]; env?: Record<string, string> } = {}): Promise<Compiled> {
  const files: Record<string, string | Buffer> = { 'stack.yml': stack };
  const argv = ['compile', 'stack.yml', '--format', 'json', ...(opts.argv ?? [])];
  if (opts.inventory !== undefined) {
    files['inventory.yml'] = opts.inventory;
    argv.push('-i', 'inventory.yml');
  }
  const r = await runMem(argv, files, opts.env);
  const parsed = r.code === 0 ? (JSON.parse(r.stdout) as { files: Record<string, string> }) : undefined;
  return { ...r, files: new Map(Object.entries(parsed?.files ?? {})) };
}

/** A diagnostic line as the text formatter prints it: `file:line:col severity CODE: message`. */
export const POSITIONED_ERROR = /^[^\s:]+:\d+:\d+ error [A-Z][A-Z0-9_]+: /m;
/** Any error diagnostic, with or without a position (CLI flags have none). */
export const ANY_ERROR = /(^|\s)error [A-Z][A-Z0-9_]+: /m;

/** What must never appear on stderr for user input: the exit-3 banner or a JS stack frame. */
export function crashText(stderr: string): string | undefined {
  const m = /internal error|\n\s+at .+\(.*:\d+:\d+\)|TypeError|RangeError|ReferenceError|SyntaxError: /.exec(stderr);
  return m ? stderr.slice(0, 2000) : undefined;
}

/** Writes `files` under a fresh temp directory; returns it (the caller removes it). */
export function writeTree(files: ReadonlyMap<string, string>, tag = 'h7'): string {
  const dir = mkdtempSync(join(tmpdir(), `meshc-${tag}-`));
  for (const [path, content] of files) {
    const full = join(dir, path);
    if (!full.startsWith(dir + '/')) throw new Error(`output path escapes: ${path}`);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `bash -n` on each script and one `shellcheck` over all of them; returns the complaints. */
/** bash -n on each script, then shellcheck on all of them when `shellcheck` is true (callers pass whether it is on PATH). */
export function checkScripts(dir: string, scripts: readonly string[], shellcheck: boolean): string[] {
  const problems: string[] = [];
  for (const s of scripts) {
    const r = spawnSync('bash', ['-n', join(dir, s)], { encoding: 'utf8' });
    if (r.status !== 0) problems.push(`bash -n ${s}: ${r.stderr}`);
  }
  if (scripts.length === 0 || !shellcheck) return problems;
  const sc = spawnSync('shellcheck', ['-s', 'bash', ...scripts.map((s) => join(dir, s))], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (sc.status !== 0) problems.push(`shellcheck: ${sc.stdout}${sc.stderr}`);
  return problems;
}

export function scriptPaths(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((p) => p.endsWith('.sh')).sort();
}
