/**
 * Reads every input file once, up front: a missing or unreadable file becomes a
 * diagnostic (exit 2) instead of an exception deep in a stage, and the stages get
 * an io that serves the cached bytes.
 *
 * One guard for every input (stack, overrides, lock, `-i`, env files, stdin):
 * `readGuardedInput` opens without blocking (a FIFO cannot hang meshc), refuses what is not
 * a regular file (FIFOs, devices such as /dev/zero, directories) and anything over
 * MAX_INPUT_BYTES, judged on the opened descriptor before a byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { DriverIo } from './io.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { FrontEndIo } from '../validate/read-compose.js';
import { diag } from '../diagnostics/catalog.js';
import { MAX_COMPOSE_BYTES } from '../source/decode-source.js';

/** The stack file's limit, for every input: far above any real lock or inventory. */
export const MAX_INPUT_BYTES = MAX_COMPOSE_BYTES;

export function readInputs(files: readonly string[], io: DriverIo, sink: DiagnosticSink): FrontEndIo | undefined {
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
export function tryRead(file: string, io: DriverIo, sink: DiagnosticSink): Buffer | undefined {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (err) {
    reportReadError(file, err, sink, 'stack');
    return undefined;
  }
}

/** Reads an optional file (the lock): undefined when it does not exist, no diagnostic. */
export function readOptional(file: string, io: DriverIo, sink: DiagnosticSink): string | undefined {
  try {
    return io.readFile(file).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    reportReadError(file, err, sink, 'other');
    return undefined;
  }
}

/** One diagnostic per read failure; a stack over the limit keeps its own positioned code. */
export function reportReadError(file: string, err: unknown, sink: DiagnosticSink, role: 'stack' | 'other'): void {
  const e = err as NodeJS.ErrnoException & { size?: number; limit?: number };
  if (e.code === 'ENOENT') sink.report(diag('FILE_NOT_FOUND', undefined, file));
  else if (e.code === 'EISDIR') sink.report(diag('FILE_UNREADABLE', undefined, file, 'is a directory'));
  else if (e.code === 'EFBIG' && role === 'stack') sink.report(diag('COMPOSE_FILE_TOO_LARGE', { file, line: 1, col: 1 }, file, e.size ?? 0, e.limit ?? MAX_INPUT_BYTES));
  else if (e.code === 'EFBIG') sink.report(diag('INPUT_TOO_LARGE', file === '-' ? undefined : { file, line: 1, col: 1 }, file, e.size ?? 0, e.limit ?? MAX_INPUT_BYTES));
  else if (e.code === 'ENOTREG') sink.report(diag('FILE_UNREADABLE', undefined, file, e.message));
  else sink.report(diag('FILE_UNREADABLE', undefined, file, (err as Error).message));
}

/**
 * The bytes of `path` (symlinks followed: a stack may be one), only if it is a regular file
 * of at most `limit` bytes. Throws ENOENT/EACCES as fs does, ENOTREG for a FIFO, device,
 * socket or directory, EFBIG (with `size` and `limit`) for a file too large.
 */
export function readGuardedInput(path: string, limit = MAX_INPUT_BYTES): Buffer {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(path, st);
    if (st.size > limit) throw tooLarge(path, st.size, limit);
    return readBounded(fd, limit, path);
  } finally {
    closeSync(fd);
  }
}

/** Stdin (`-`): a pipe is fine, but it is read only up to `limit` (`< /dev/zero` cannot exhaust memory). */
export function readGuardedStdin(limit = MAX_INPUT_BYTES): Buffer {
  const st = fstatSync(0);
  if (st.isDirectory()) throw notRegular('<stdin>', st);
  if (st.isFile() && st.size > limit) throw tooLarge('<stdin>', st.size, limit);
  return readBounded(0, limit, '<stdin>');
}

function readBounded(fd: number, limit: number, name: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw err;
      // A non-blocking pipe with nothing yet: wait a little (stdin only; files never EAGAIN).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw tooLarge(name, total, limit, true);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

function notRegular(path: string, st: { isFIFO(): boolean; isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): Error {
  const what = st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a file';
  return Object.assign(new Error(`is ${what}, not a regular file`), { code: st.isDirectory() ? 'EISDIR' : 'ENOTREG', path });
}

function tooLarge(path: string, size: number, limit: number, atLeast = false): Error {
  return Object.assign(new Error(`${path} is ${atLeast ? 'more than ' : ''}${size} bytes; meshc reads inputs up to ${limit} bytes`), { code: 'EFBIG', size, limit });
}
