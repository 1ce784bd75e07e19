/**
 * Everything the CLI touches outside the process, as one object: tests run the whole
 * CLI in-process with an in-memory io, and the real one is a thin wrapper over node:fs.
 */
import { readFileSync, statSync } from 'node:fs';
import type { DriverIo } from '../driver/io.js';

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
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readFile: (path) => readFileSync(path),
    readStdin: () => readFileSync(0),
    isRegularFile: (path) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? true,
  };
}
