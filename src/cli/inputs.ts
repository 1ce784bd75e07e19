/**
 * Reads every input file once, up front: a missing or unreadable file becomes a
 * diagnostic (exit 2) instead of an exception deep in a stage, and the stages get
 * an io that serves the cached bytes.
 */
import type { CliIo } from './io.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { FrontEndIo } from '../validate/read-compose.js';
import { diag } from '../diagnostics/catalog.js';

export function readInputs(files: readonly string[], io: CliIo, sink: DiagnosticSink): FrontEndIo | undefined {
  const cache = new Map<string, Buffer>();
  let ok = true;
  for (const file of files) {
    const bytes = tryRead(file, io, sink);
    if (bytes) cache.set(file, bytes);
    else ok = false;
  }
  if (!ok) return undefined;
  return {
    env: io.env,
    readFile: (path) => cache.get(path) ?? io.readFile(path),
    ...(io.isRegularFile ? { isRegularFile: io.isRegularFile } : {}),
  };
}

/** The bytes, or undefined after reporting why not. */
export function tryRead(file: string, io: CliIo, sink: DiagnosticSink): Buffer | undefined {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') sink.report(diag('FILE_NOT_FOUND', undefined, file));
    else if (code === 'EISDIR') sink.report(diag('FILE_UNREADABLE', undefined, file, 'is a directory'));
    else if (code === 'NOTREG' || code === 'EFBIG') sink.report(diag('FILE_UNREADABLE', undefined, file, (err as Error).message));
    else sink.report(diag('FILE_UNREADABLE', undefined, file, (err as Error).message));
    return undefined;
  }
}

/** Reads an optional file (the lock): undefined when it does not exist, no diagnostic; null after reporting why it is unusable. */
export function readOptional(file: string, io: CliIo, sink: DiagnosticSink): string | undefined | null {
  try {
    return io.readFile(file).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    sink.report(diag('FILE_UNREADABLE', undefined, file, (err as Error).message));
    return null;
  }
}
