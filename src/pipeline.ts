/**
 * The stages in order, each stopping after a stage that reported errors: front end
 * (loadDocument, loadStack), planner (planStack), emit and render (compilePlan). Pure
 * with respect to the file system except through the io object it is given. The driver
 * (src/driver/drive.ts) calls these for every stack of a cluster and owns all file I/O.
 */
import { basename, dirname } from 'node:path';
import type { DiagnosticSink } from './diagnostics/types.js';
import type { NormalizedStack } from './model/stack.js';
import type { Inventory } from './model/inventory.js';
import type { Plan } from './model/plan.js';
import type { OutputFile, RuleSets } from './model/rules.js';
import { readComposeFile, type FrontEndIo } from './validate/read-compose.js';
import { resolveEnvironment } from './validate/environment.js';
import { checkObjectFiles } from './normalize/object-files.js';
import { mergeDocuments } from './normalize/merge.js';
import { normalizeStack } from './normalize/normalize-stack.js';
import type { ComposeDocument } from './model/compose.js';
import { buildPlan, type PlanOptions } from './plan/build-plan.js';
import type { Lock } from './plan/lock.js';

export interface StackInput {
  /** The stack file first, then override files in order. */
  readonly files: readonly string[];
  readonly stackName?: string;
}

/**
 * `docker stack deploy` takes the stack name on its command line; meshc defaults to the
 * file's base name up to its first dot (`docker-compose.prod.yml` → `docker-compose`),
 * so common file names give a valid stack name without `--stack`.
 */
export function defaultStackName(file: string): string {
  return basename(file).replace(/\..*$/, '') || 'stack';
}

/** Front end: every file read and validated (all errors of all files), then merged and normalised. */
export function loadDocument(input: StackInput, io: FrontEndIo, sink: DiagnosticSink): ComposeDocument | undefined {
  const docs: ComposeDocument[] = [];
  // docker stack deploy's working directory: env_file, secret and config paths of every file are relative to it.
  const workingDir = input.files[0] === '-' ? '.' : dirname(input.files[0] ?? '.');
  for (const file of input.files) {
    const doc = readComposeFile(file, io, sink);
    if (doc) docs.push(resolveEnvironment(doc, workingDir, io, sink));
  }
  if (sink.hasErrors() || docs.length === 0) return undefined;
  const merged = mergeDocuments(docs, sink);
  if (!merged || sink.hasErrors()) return undefined;
  // docker stack config stops here. docker stack deploy reads the secret and config files next:
  // deploy-time codes, reported without stopping, so that normalize reports its own as well.
  checkObjectFiles(merged, workingDir, io, sink);
  return merged;
}

export function loadStack(input: StackInput, io: FrontEndIo, sink: DiagnosticSink): NormalizedStack | undefined {
  const doc = loadDocument(input, io, sink);
  if (!doc) return undefined;
  const stackName = input.stackName ?? defaultStackName(input.files[0] ?? 'stack');
  const stack = normalizeStack(doc, { stackName }, sink);
  return stack && !sink.hasErrors() ? stack : undefined;
}

export function planStack(
  stack: NormalizedStack,
  inventory: Inventory,
  opts: PlanOptions,
  sink: DiagnosticSink,
): { plan: Plan; lock: Lock } | undefined {
  const result = buildPlan(stack, inventory, opts, sink);
  return result && !sink.hasErrors() ? result : undefined;
}

/**
 * Emit and render. Loaded lazily: `meshc validate` (a pre-commit hook, run on every
 * commit) never pays for the emitters, Handlebars or the templates.
 */
export async function compilePlan(plan: Plan, sink: DiagnosticSink): Promise<{ ruleSets: RuleSets; files: OutputFile[] } | undefined> {
  const [{ emitRuleSets }, { renderFiles }] = await Promise.all([
    import('./emit/emit-rule-sets.js'),
    import('./render/render-files.js'),
  ]);
  const ruleSets = emitRuleSets(plan, sink);
  if (sink.hasErrors()) return undefined;
  return { ruleSets, files: renderFiles(plan, ruleSets) };
}
