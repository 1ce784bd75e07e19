/**
 * Everything the CLI touches outside the process, as one object: tests run the whole
 * CLI in-process with an in-memory io, and the real one is a thin wrapper over node:fs.
 */
import { existsSync, statSync } from 'node:fs';
import { readGuarded, readStdinGuarded } from './guarded-read.js';

export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Regular files only, size-bounded (guarded-read.ts): never a FIFO or device. */
  readFile(path: string): Buffer;
  readStdin(): Buffer;
  /** Whether anything is at `path` (lock-file naming looks at a stack file's siblings). */
  exists?(path: string): boolean;
  /** False for devices, FIFOs and directories (an env_file named by a stack must not hang meshc on /dev/zero). */
  isRegularFile?(path: string): boolean;
}

export function nodeIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readFile: readGuarded,
    readStdin: readStdinGuarded,
    exists: (path) => existsSync(path),
    isRegularFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? true,
  };
}
