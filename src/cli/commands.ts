/**
 * The commands, each a short sequence of pipeline calls. Option parsing is in
 * main.ts; output and exit codes are in report.ts.
 */
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { DiagnosticSink } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import { loadDocument, loadStack, planStack, compilePlan, defaultStackName, type StackInput } from '../pipeline.js';
import { normalizeStack } from '../normalize/normalize-stack.js';
import { printConfig } from '../normalize/print-config.js';
import { readInventory } from '../plan/read-inventory.js';
import { lockChanged, parseLock, serializeLock, type Lock } from '../plan/lock.js';
import type { NetworkSettings, Plan } from '../model/plan.js';
import type { OutputFile, RuleSets } from '../model/rules.js';
import { readInputs, readOptional } from './inputs.js';
import { locateLock } from './lock-file.js';
import { commitOutputs, OutputNotOwnedError } from './output-tree.js';

export interface StackOptions {
  readonly overrides: readonly string[];
  /** Network settings from flags: they win over the inventory and the stack's x-meshc. */
  readonly settings: Partial<NetworkSettings>;
  readonly inventory?: string;
  readonly stack?: string;
  readonly frozen: boolean;
  /** `--lock FILE`: the lock to read and write instead of the one named after the stack (needed for a stack on stdin). */
  readonly lock?: string;
}

/** validate: each file is its own stack (pre-commit passes a list); nothing is written. */
export function validateFiles(files: readonly string[], opts: StackOptions, io: CliIo, sink: DiagnosticSink): void {
  const inventory = readInventory(opts.inventory, io, sink);
  for (const file of files) {
    const input: StackInput = { files: [file], stackName: opts.stack };
    const stack = withInput(input, io, sink, (fio) => loadStack(input, fio, sink));
    if (!stack || !inventory) continue;
    planWithLock(file, stack, inventory, opts, io, sink);
  }
}

/** config: the merged, normalised file in `docker stack config`'s shape, on stdout. */
export function configStack(file: string, opts: StackOptions, io: CliIo, sink: DiagnosticSink): void {
  const input: StackInput = { files: [file, ...opts.overrides], stackName: opts.stack };
  const doc = withInput(input, io, sink, (fio) => loadDocument(input, fio, sink));
  if (!doc) return;
  const stack = normalizeStack(doc, { stackName: opts.stack ?? defaultStackName(file) }, sink);
  if (!stack || sink.hasErrors()) return;
  io.stdout(printConfig(doc));
}

/** plan: the allocation plan as stable JSON on stdout; the lock is read, not written. */
export function planCommand(file: string, opts: StackOptions, io: CliIo, sink: DiagnosticSink): void {
  const result = planFile(file, opts, io, sink);
  if (result) io.stdout(JSON.stringify(result.plan, null, 2) + '\n');
}

export interface Compiled {
  readonly plan: Plan;
  readonly ruleSets: RuleSets;
  readonly files: OutputFile[];
  readonly lock: Lock;
  /** Where the lock is written; undefined for a stack on stdin without --lock. */
  readonly lockFile: string | undefined;
  readonly lockText: string | undefined;
}

/** The whole pipeline in memory; nothing written. */
export async function compileInMemory(file: string, opts: StackOptions, io: CliIo, sink: DiagnosticSink): Promise<Compiled | undefined> {
  const planned = planFile(file, opts, io, sink);
  if (!planned) return undefined;
  const compiled = await compilePlan(planned.plan, sink);
  if (!compiled) return undefined;
  return { ...planned, ...compiled };
}

/** compile: writes the lock (unless --frozen or unchanged) and the output tree, as one transaction. */
export function writeCompiled(out: string, compiled: Compiled, frozen: boolean, io: CliIo, sink: DiagnosticSink): void {
  const lockText = serializeLock(compiled.lock);
  const lockPath = compiled.lockFile === undefined ? undefined : resolve(io.cwd, compiled.lockFile);
  const lock = frozen || lockPath === undefined || lockText === compiled.lockText ? undefined : { path: lockPath, text: lockText };
  const dir = resolve(io.cwd, out);
  try {
    commitOutputs({ dir, files: compiled.files, lock, protect: lockPath === undefined ? [] : [lockPath] });
  } catch (err) {
    if (err instanceof OutputNotOwnedError) sink.report(diag('OUTPUT_NOT_OWNED', undefined, dir, err.reason, OUTPUT_ADVICE));
    else sink.report(diag('OUTPUT_UNWRITABLE', undefined, dir, (err as Error).message));
  }
}

const OUTPUT_ADVICE = 'meshc replaces only a directory it wrote (it holds .meshc-output.json): give a new or empty directory with -o, or move what meshc did not write out of it';

function planFile(file: string, opts: StackOptions, io: CliIo, sink: DiagnosticSink) {
  const input: StackInput = { files: [file, ...opts.overrides], stackName: opts.stack };
  const inventory = readInventory(opts.inventory, io, sink);
  const stack = withInput(input, io, sink, (fio) => loadStack(input, fio, sink));
  if (!stack || !inventory || sink.hasErrors()) return undefined;
  return planWithLock(file, stack, inventory, opts, io, sink);
}

function planWithLock(
  file: string,
  stack: Parameters<typeof planStack>[0],
  inventory: Parameters<typeof planStack>[1],
  opts: StackOptions,
  io: CliIo,
  sink: DiagnosticSink,
) {
  const where = locateLock(file, opts.lock, io.cwd);
  if (where.ambiguous) sink.report(diag('LOCK_LEGACY_AMBIGUOUS', { file: where.ambiguous.legacy, line: 1, col: 1 }, where.ambiguous.legacy, file, where.ambiguous.others.join(', '), where.write ?? ''));
  const readText = where.read === undefined ? undefined : readOptional(where.read, io, sink);
  const lock = readText === undefined || where.read === undefined ? undefined : parseLock(readText, where.read, sink);
  if (readText !== undefined && !lock) return undefined;
  const lockFile = where.write;
  const result = planStack(stack, inventory, { lock, lockFile: where.read ?? lockFile, settings: opts.settings }, sink);
  if (!result) return undefined;
  if (opts.frozen && lockFile !== undefined && lockChanged(lock, result.lock)) {
    sink.report(diag('LOCK_STALE', { file: lockFile, line: 1, col: 1 }, lockFile));
    return undefined;
  }
  // An old-style lock read is rewritten under the new name (lockText undefined: it differs).
  const lockText = where.read === where.write ? readText : undefined;
  return { plan: result.plan, lock: result.lock, lockFile, lockText };
}

function withInput<T>(input: StackInput, io: CliIo, sink: DiagnosticSink, run: (fio: NonNullable<ReturnType<typeof readInputs>>) => T | undefined): T | undefined {
  const fio = readInputs(input.files, io, sink);
  if (!fio) return undefined;
  for (const f of input.files) sink.sources.set(f, fio.readFile(f).toString('utf8'));
  return run(fio);
}
