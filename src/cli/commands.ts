/**
 * The commands' bodies: each calls the driver (src/driver/drive.ts) and formats what it
 * returns. Option parsing is in main.ts; exit codes and diagnostics output in report.ts.
 */
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';
import { configText, outputCommit, planFile, type Compiled, type OutputCommit } from '../driver/drive.js';
import type { DriveOptions } from '../driver/drive.js';
import { writeFileAtomic, writeOutputTree } from './output-tree.js';

export { compileFile, validateFiles, type Compiled } from '../driver/drive.js';
export type StackOptions = DriveOptions;

/** config: the merged, normalised file in `docker stack config`'s shape, on stdout. */
export function configStack(file: string, opts: DriveOptions, io: CliIo, sink: DiagnosticSink): void {
  const text = configText(file, opts, io, sink);
  if (text !== undefined) io.stdout(text);
}

/** plan: the allocation plan as stable JSON on stdout; the lock is read, not written. */
export function planCommand(file: string, opts: DriveOptions, io: CliIo, sink: DiagnosticSink): void {
  const result = planFile(file, opts, io, sink);
  if (result) io.stdout(JSON.stringify(result.plan, null, 2) + '\n');
}

/** compile: writes the output tree, then the lock (unless --frozen or unchanged). */
export function writeCompiled(out: string, compiled: Compiled, frozen: boolean, io: CliIo, sink: DiagnosticSink): void {
  commit(outputCommit(resolve(io.cwd, out), compiled, frozen), io, sink);
}

function commit(c: OutputCommit, io: CliIo, sink: DiagnosticSink): void {
  try {
    writeOutputTree(c.dir, c.files);
  } catch (err) {
    sink.report(diag('OUTPUT_UNWRITABLE', undefined, c.dir, (err as Error).message));
    return;
  }
  if (!c.lock) return;
  const path = resolve(io.cwd, c.lock.path);
  try {
    writeFileAtomic(path, c.lock.text);
  } catch (err) {
    sink.report(diag('OUTPUT_UNWRITABLE', undefined, path, (err as Error).message));
  }
}
