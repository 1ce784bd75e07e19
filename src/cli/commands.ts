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
import { legacyLockPathFor, legacyLockRivals, lockChanged, lockPathFor, parseLock, serializeLock, type Lock } from '../plan/lock.js';
import type { NetworkSettings, Plan } from '../model/plan.js';
import type { OutputFile, RuleSets } from '../model/rules.js';
import { readInputs, readOptional } from './inputs.js';
import { commitOutputs, type OutputError } from './output-tree.js';

export interface StackOptions {
  readonly overrides: readonly string[];
  /** Network settings from flags: they win over the inventory and the stack's x-meshc. */
  readonly settings: Partial<NetworkSettings>;
  readonly inventory?: string;
  readonly stack?: string;
  readonly frozen: boolean;
  /** --lock FILE: read and write the lock there instead of beside the stack file. */
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
  /** Undefined for a stack on stdin without --lock: no lock is written. */
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

/**
 * compile: the output tree and the lock (unless --frozen, or unchanged) in one
 * transaction, so the nodes never get allocations the lock does not hold.
 */
export function writeCompiled(out: string, compiled: Compiled, frozen: boolean, io: CliIo, sink: DiagnosticSink): void {
  const text = serializeLock(compiled.lock);
  const lock = frozen || compiled.lockFile === undefined || text === compiled.lockText ? undefined : { path: resolve(io.cwd, compiled.lockFile), text };
  try {
    commitOutputs({ dir: resolve(io.cwd, out), files: compiled.files, ...(lock ? { lock } : {}) });
  } catch (err) {
    const e = err as OutputError;
    if (e.notOwned) sink.report(diag('OUTPUT_NOT_OWNED', undefined, e.message));
    else sink.report(diag('OUTPUT_UNWRITABLE', undefined, e.path, e.message));
  }
}

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
  const source = lockSource(file, opts, io);
  const lockText = source.read === undefined ? undefined : readOptional(source.read, io, sink);
  if (lockText === null) return undefined;
  const lock = lockText === undefined || source.read === undefined ? undefined : parseLock(lockText, source.read, sink);
  if (lockText !== undefined && !lock) return undefined;
  const lockFile = source.write;
  const result = planStack(stack, inventory, { lock, ...(lockFile ? { lockFile } : {}), settings: opts.settings }, sink);
  if (!result) return undefined;
  if (opts.frozen && lockFile && lockChanged(lock, result.lock)) {
    sink.report(diag('LOCK_STALE', { file: lockFile, line: 1, col: 1 }, lockFile));
    return undefined;
  }
  // A lock adopted under its legacy name is written anew under the current one.
  return { plan: result.plan, lock: result.lock, lockFile, lockText: source.read === lockFile ? lockText : undefined };
}

/**
 * Where the lock is read from and written to: `--lock FILE`, else beside the stack file
 * under its full name. A stack on stdin has no lock unless --lock names one (nothing is
 * written into the working directory unasked). A lock under the legacy name is read when
 * no other stack file could own it.
 */
function lockSource(file: string, opts: StackOptions, io: CliIo): { read?: string; write?: string } {
  if (opts.lock !== undefined) return { read: opts.lock, write: opts.lock };
  if (file === '-') return {};
  const current = lockPathFor(file);
  const exists = (p: string) => io.exists?.(resolve(io.cwd, p)) ?? false;
  if (exists(current)) return { read: current, write: current };
  const legacy = legacyLockPathFor(file);
  if (exists(legacy) && !legacyLockRivals(file).some(exists)) return { read: legacy, write: current };
  return { read: current, write: current };
}

function withInput<T>(input: StackInput, io: CliIo, sink: DiagnosticSink, run: (fio: NonNullable<ReturnType<typeof readInputs>>) => T | undefined): T | undefined {
  const fio = readInputs(input.files, io, sink);
  if (!fio) return undefined;
  for (const f of input.files) sink.sources.set(f, fio.readFile(f).toString('utf8'));
  return run(fio);
}
