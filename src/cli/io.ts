/**
 * Everything the CLI touches outside the process, as one object: tests run the whole
 * CLI in-process with an in-memory io, and the real one is a thin wrapper over node:fs.
 */
import { statSync } from 'node:fs';
import type { DriverIo } from '../driver/io.js';
import { readGuardedInput, readGuardedStdin } from '../driver/inputs.js';

export interface CliIo extends DriverIo {
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function nodeIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    // Getters: process.stdout and process.stderr are built on first access (a stream, and for a
    // pipe the whole net module), a cost a `validate` that prints nothing should not pay.
    get stdoutIsTTY() {
      return Boolean(process.stdout.isTTY);
    },
    get stderrIsTTY() {
      return Boolean(process.stderr.isTTY);
    },
    stdout: (text) => void quietOnClosedPipe(process.stdout).write(text),
    stderr: (text) => void quietOnClosedPipe(process.stderr).write(text),
    // Every read goes through the one input guard (size limit, regular files only, no hang).
    readFile: (path) => readGuardedInput(path),
    readStdin: () => readGuardedStdin(),
    isRegularFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? true,
  };
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader that stops early (`meshc plan | head`) closes the pipe: the next write fails with
 * EPIPE, which node raises as an unhandled 'error' event (a crash, exit 1 with a stack). A
 * shell tool ends quietly there instead, with the exit code it already had.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (guarded.has(stream)) return stream;
  guarded.add(stream);
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
  return stream;
}
