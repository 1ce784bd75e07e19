/**
 * Everything the CLI touches outside the process, as one object: tests run the whole
 * CLI in-process with an in-memory io, and the real one is a thin wrapper over node:fs.
 */
import { statSync } from 'node:fs';
import { readGuardedInput, readGuardedStdin } from './inputs.js';

export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Buffer;
  readStdin(): Buffer;
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
    // Every read goes through the one input guard (size limit, regular files only, no hang).
    readFile: (path) => readGuardedInput(path),
    readStdin: () => readGuardedStdin(),
    isRegularFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? true,
  };
}
