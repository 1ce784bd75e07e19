/**
 * The driver: every command's work from file argument to result, and all of meshc's
 * input I/O (cluster file, stack files, inventory, lock). The CLI parses arguments, calls
 * one function here and formats what it returns; the stages stay pure (src/pipeline.ts).
 * Nothing is written here: compile returns an OutputCommit that the CLI's output tree
 * commits (tree and lock together).
 */
import { basename, resolve } from 'node:path';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Cluster, ClusterStack } from '../model/cluster.js';
import type { Inventory } from '../model/inventory.js';
import type { NetworkSettings, Plan } from '../model/plan.js';
import type { OutputFile, RuleSets } from '../model/rules.js';
import type { NormalizedStack } from '../model/stack.js';
import { normalizeStack } from '../normalize/normalize-stack.js';
import { printConfig } from '../normalize/print-config.js';
import { compilePlan, loadDocument, loadStack, planStack, type StackInput } from '../pipeline.js';
import { lockChanged, serializeLock, type Lock } from '../plan/lock.js';
import { buildClusterPlan } from '../cluster/plan-cluster.js';
import { clusterFor, type ClusterOptions } from './cluster-input.js';
import { readInputs } from './inputs.js';
import { memoIo, type DriverIo } from './io.js';
import { readClusterLock } from './lock-io.js';
import { readInventory } from './read-inventory.js';

export interface DriveOptions extends ClusterOptions {
  /** Network settings from flags: they win over the inventory, the cluster file and the stacks' x-meshc. */
  readonly settings: Partial<NetworkSettings>;
  /** Fail instead of changing the lock. */
  readonly frozen: boolean;
}

export interface Planned {
  readonly plan: Plan;
  readonly lock: Lock;
  /** Where the lock is written; undefined for a stack on stdin without --lock. */
  readonly lockFile: string | undefined;
  readonly lockText: string | undefined;
}

export interface Compiled extends Planned {
  readonly ruleSets: RuleSets;
  readonly files: OutputFile[];
}

/** What compile writes, as one transaction: the tree into `dir`, and the lock when it changed (never with --frozen). */
export interface OutputCommit {
  readonly dir: string;
  readonly files: readonly OutputFile[];
  readonly lock?: { readonly path: string; readonly text: string };
  /** Files (the lock) whose directory `dir` must not be or contain. */
  readonly protect: readonly string[];
}

/** validate: each file (stack or cluster) on its own, through allocation; nothing written. */
export function validateFiles(files: readonly string[], opts: DriveOptions, io: DriverIo, sink: DiagnosticSink): void {
  // One inventory for every file: read (and its problems reported) once.
  const inventories = new Map<string, Inventory | undefined>();
  for (const file of files) planFile(file, { ...opts, overrides: [] }, io, sink, inventories);
}

/** config: one stack's merged, normalised document in `docker stack config`'s shape. */
export function configText(file: string, opts: DriveOptions, rawIo: DriverIo, sink: DiagnosticSink): string | undefined {
  const io = memoIo(rawIo);
  const cluster = clusterFor(file, opts, io, sink);
  const stack = cluster?.stacks[0];
  if (!cluster || !stack) return undefined;
  if (cluster.file !== undefined) {
    sink.report(diag('USAGE', undefined, `${file} is a cluster file: config prints one stack, give its stack file`));
    return undefined;
  }
  const input: StackInput = { files: stack.files, stackName: stack.name };
  const doc = withInput(input, io, sink, (fio) => loadDocument(input, fio, sink));
  if (!doc) return undefined;
  const normalized = normalizeStack(doc, { stackName: stack.name }, sink);
  return normalized && !sink.hasErrors() ? printConfig(doc, io.env) : undefined;
}

/** plan (and the first half of compile): cluster → stacks, inventory, lock → plan and the lock to record. */
export function planFile(file: string, opts: DriveOptions, rawIo: DriverIo, sink: DiagnosticSink, inventories?: InventoryCache): Planned | undefined {
  const io = memoIo(rawIo);
  const cluster = clusterFor(file, opts, io, sink);
  return cluster ? planCluster(cluster, opts, io, sink, inventories) : undefined;
}

/** The whole pipeline in memory; nothing written. */
export async function compileFile(file: string, opts: DriveOptions, io: DriverIo, sink: DiagnosticSink): Promise<Compiled | undefined> {
  const planned = planFile(file, opts, io, sink);
  if (!planned) return undefined;
  const compiled = await compilePlan(planned.plan, sink);
  return compiled ? { ...planned, ...compiled } : undefined;
}

/** compile's writes: the tree, and the lock unless --frozen or unchanged. */
export function outputCommit(dir: string, compiled: Compiled, frozen: boolean, cwd: string): OutputCommit {
  const text = serializeLock(compiled.lock);
  const path = compiled.lockFile === undefined ? undefined : resolve(cwd, compiled.lockFile);
  const lock = frozen || path === undefined || text === compiled.lockText ? undefined : { path, text };
  return { dir, files: compiled.files, ...(lock ? { lock } : {}), protect: path === undefined ? [] : [path] };
}

/** Inventories already read in this run, by path ('' for none). */
type InventoryCache = Map<string, Inventory | undefined>;

export function planCluster(cluster: Cluster, opts: DriveOptions, io: DriverIo, sink: DiagnosticSink, inventories: InventoryCache = new Map()): Planned | undefined {
  const inventory = readClusterInventory(cluster, io, sink, inventories);
  const stacks = loadStacks(cluster.stacks, io, sink);
  if (!stacks || !inventory || sink.hasErrors()) return undefined;
  const read = readClusterLock(cluster, io, sink);
  if (!read) return undefined;
  const lockFile = read.write;
  const planOpts = { lock: read.lock, lockFile: read.read ?? lockFile, settings: opts.settings };
  const result =
    cluster.file === undefined
      ? planStack(stacks[0] as NormalizedStack, inventory, planOpts, sink)
      : buildClusterPlan(clusterName(cluster.file), stacks, inventory, planOpts, sink);
  if (!result || sink.hasErrors()) return undefined;
  // --frozen compares with the file as it is (an adopted per-stack lock still changes it).
  if (opts.frozen && lockFile !== undefined && lockChanged(read.onDisk, result.lock)) {
    sink.report(diag('LOCK_STALE', { file: lockFile, line: 1, col: 1 }, lockFile));
    return undefined;
  }
  return { plan: result.plan, lock: result.lock, lockFile, lockText: read.text };
}

/** `meshc.yml` → `meshc`: the cluster's name in its plan, runner and playbook. */
function clusterName(file: string): string {
  return basename(file).replace(/\..*$/, '') || 'cluster';
}

/** The inventory, with the cluster file's `network:` below the inventory's own settings. */
function readClusterInventory(cluster: Cluster, io: DriverIo, sink: DiagnosticSink, cache: InventoryCache): Inventory | undefined {
  const key = cluster.inventory ?? '';
  const inventory = cache.has(key) ? cache.get(key) : readInventory(cluster.inventory, io, sink);
  cache.set(key, inventory);
  if (!inventory || Object.keys(cluster.network).length === 0) return inventory;
  return {
    ...inventory,
    settings: { ...cluster.network, ...inventory.settings },
    settingLocs: { ...cluster.networkLocs, ...inventory.settingLocs },
  };
}

/** Every stack through the front end (all errors of all stacks), or undefined after errors. */
function loadStacks(stacks: readonly ClusterStack[], io: DriverIo, sink: DiagnosticSink): NormalizedStack[] | undefined {
  const loaded: NormalizedStack[] = [];
  for (const stack of stacks) {
    const input: StackInput = { files: stack.files, stackName: stack.name };
    const normalized = withInput(input, io, sink, (fio) => loadStack(input, fio, sink));
    if (normalized) loaded.push(normalized);
  }
  return loaded.length === stacks.length && !sink.hasErrors() ? loaded : undefined;
}

function withInput<T>(input: StackInput, io: DriverIo, sink: DiagnosticSink, run: (fio: NonNullable<ReturnType<typeof readInputs>>) => T | undefined): T | undefined {
  const fio = readInputs(input.files, io, sink);
  if (!fio) return undefined;
  for (const f of input.files) sink.sources.set(f, fio.readFile(f).toString('utf8'));
  return run(fio);
}
