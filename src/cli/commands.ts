/**
 * The commands' bodies: each calls the driver (src/driver/drive.ts) and formats what it
 * returns. Option parsing is in main.ts; exit codes and diagnostics output in report.ts.
 */
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import { compileFile, configText, outputCommit, planFile, type Compiled, type OutputCommit } from '../driver/drive.js';
import { counts, displayPath, toJson } from '../diagnostics/format.js';
import { explainCommand, type Selector } from './explain-command.js';
import { readTreeOrReport } from './read-tree.js';
import type { DriveOptions } from '../driver/drive.js';
import { commitOutputs, OutputNotOwnedError } from './output-tree.js';
import { compileSummary } from './summary.js';
import { withLoaderVerdict } from '../validate/loader-verdict.js';

export { validateFiles, type Compiled } from '../driver/drive.js';
export type StackOptions = DriveOptions;

/**
 * config: the merged file in `docker stack config`'s shape, on stdout, under docker stack
 * config's verdict: what only `docker stack deploy` refuses is a warning here (src/validate/loader-verdict.ts).
 */
export function configStack(file: string, opts: DriveOptions, io: CliIo, sink: DiagnosticSink): void {
  const text = withLoaderVerdict(sink, (scoped) => configText(file, opts, io, scoped));
  if (text !== undefined) io.stdout(text);
}

/** plan: the allocation plan as stable JSON on stdout; the lock is read, not written. */
export function planCommand(file: string, opts: DriveOptions, io: CliIo, sink: DiagnosticSink): void {
  const result = planFile(file, opts, io, sink);
  if (result) io.stdout(JSON.stringify(result.plan, null, 2) + '\n');
}

export interface CompileRequest {
  readonly out: string;
  /** text|files: write, diagnostics on stderr; sarif|github: write, diagnostics on stdout; json: one document on stdout, nothing written. */
  readonly format: string;
  readonly diff: boolean;
  readonly frozen: boolean;
  /** Print the summary (summary.ts) on stderr even when it is not a terminal. */
  readonly verbose?: boolean;
}

/**
 * compile. Returns true when the diagnostics went inside its own stdout document (json).
 * `exitCode` is the run's code so far: nothing is written once the warning policy fails it.
 */
export async function compileCommand(file: string, opts: DriveOptions, req: CompileRequest, io: CliIo, sink: DiagnosticSink, exitCode: () => number): Promise<boolean> {
  const toStdout = req.format === 'sarif' || req.format === 'github' || req.format === 'json';
  if (req.diff && toStdout) {
    sink.report(diag('USAGE', undefined, `--diff prints to stdout, which --format ${req.format} also uses: run them separately`));
    return false;
  }
  const compiled = await compileFile(file, opts, io, sink);
  if (!compiled || exitCode() !== 0) return false;
  if (req.format === 'json') {
    // A pure pipe: nothing is written, the lock included (compile to a directory, or
    // commit the lock `meshc compile` writes, to record the allocations).
    const files = Object.fromEntries(compiled.files.map((x) => [x.path, x.content]));
    const diagnostics = sink.items.map((d) => toJson(d, io.cwd));
    io.stdout(JSON.stringify({ plan: compiled.plan, files, diagnostics, ...counts(sink.items) }, null, 2) + '\n');
    return true;
  }
  if (req.diff) {
    const old = readTreeOrReport(resolve(io.cwd, req.out), { absentIsEmpty: true }, sink);
    if (!old) return false;
    io.stdout(await diffText(old, new Map(compiled.files.map((x) => [x.path, x.content]))));
  }
  const written = writeCompiled(req.out, compiled, req.frozen, io, sink);
  // For a person at a terminal (or -v); a machine format's reader never sees it.
  if (written && req.format !== 'sarif' && req.format !== 'github' && (io.stderrIsTTY || req.verbose)) {
    const lockWritten = written.lock ? displayPath(written.lock.path, io.cwd) : undefined;
    io.stderr(compileSummary({ plan: compiled.plan, fileCount: written.files.length, out: req.out, ...(lockWritten ? { lockWritten } : {}) }));
  }
  return false;
}

/** explain: compile in memory, then the path of the selected ports. */
export async function explainFile(file: string, selector: Selector | undefined, opts: DriveOptions, io: CliIo, sink: DiagnosticSink): Promise<void> {
  const compiled = await compileFile(file, opts, io, sink);
  if (compiled) await explainCommand(compiled, file, selector, io, sink);
}

/** diff: two output trees, rule by rule. */
export async function diffCommand(oldDir: string, newDir: string, io: CliIo, sink: DiagnosticSink): Promise<void> {
  const oldTree = readTreeOrReport(resolve(io.cwd, oldDir), { absentIsEmpty: false }, sink);
  const newTree = readTreeOrReport(resolve(io.cwd, newDir), { absentIsEmpty: false }, sink);
  if (oldTree && newTree) io.stdout(await diffText(oldTree, newTree));
}

async function diffText(oldFiles: Map<string, string>, newFiles: Map<string, string>): Promise<string> {
  const { diffOutputs } = await import('../diff/diff-outputs.js');
  return diffOutputs(oldFiles, newFiles).text;
}

/** compile: the tree and the lock (unless --frozen or unchanged) as one transaction (output-tree.ts); what was written, or undefined. */
export function writeCompiled(out: string, compiled: Compiled, frozen: boolean, io: CliIo, sink: DiagnosticSink): OutputCommit | undefined {
  const c = outputCommit(resolve(io.cwd, out), compiled, frozen, io.cwd);
  return commit(c, sink) ? c : undefined;
}

const OUTPUT_ADVICE = 'meshc replaces only a directory it wrote (it holds .meshc-output.json): give a new or empty directory with -o, or move what meshc did not write out of it';

function commit(c: OutputCommit, sink: DiagnosticSink): boolean {
  try {
    commitOutputs(c);
    return true;
  } catch (err) {
    if (err instanceof OutputNotOwnedError) sink.report(diag('OUTPUT_NOT_OWNED', undefined, c.dir, err.reason, OUTPUT_ADVICE));
    else sink.report(diag('OUTPUT_UNWRITABLE', undefined, c.dir, (err as Error).message));
    return false;
  }
}
