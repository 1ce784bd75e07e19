/**
 * The one way meshc reads an input it is handed (stack, override, env_file, inventory,
 * lock, cluster file): a FIFO, device or directory is refused before a byte is read, so
 * `/dev/zero` or a named pipe cannot hang or exhaust a pre-commit hook, and no input is
 * read past a fixed size. The stages apply their own, smaller limits (the front end's
 * 10 MB) with positions; this is the floor under all of them.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Far above any real input (the front end refuses stack files over 10 MB), far below memory trouble. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function inputError(code: 'NOTREG' | 'EFBIG', message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Reads a regular file of at most MAX_INPUT_BYTES; throws ErrnoException (ENOENT, NOTREG, EFBIG, …). */
export function readGuarded(path: string): Buffer {
  // O_NONBLOCK: opening a FIFO with no writer must not block before we can fstat it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw inputError('NOTREG', 'is not a regular file (a FIFO, socket or device)');
    if (st.size > MAX_INPUT_BYTES) throw inputError('EFBIG', `is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    return readAtMost(fd, MAX_INPUT_BYTES, path);
  } finally {
    closeSync(fd);
  }
}

/** Standard input (`-`), which is a pipe by design: bounded in size, not in time. */
export function readStdinGuarded(): Buffer {
  return readAtMost(0, MAX_INPUT_BYTES, 'standard input');
}

function readAtMost(fd: number, max: number, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(64 * 1024);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      // A non-blocking pipe with nothing yet: wait a little rather than spin.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw err;
    }
    if (n === 0) break;
    total += n;
    if (total > max) throw inputError('EFBIG', `${what} is larger than ${max / 1024 / 1024} MB`);
    chunks.push(buf.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}
