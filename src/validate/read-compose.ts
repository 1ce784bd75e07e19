import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';

export interface FrontEndIo {
  readFile(path: string): Buffer;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * One Compose file: parse (YAML 1.2, positions kept) → version → forbidden options →
 * interpolation (+ docker's type casts) → schema of that version. Reports every problem
 * of the file; returns undefined when any was an error.
 */
export function readComposeFile(_file: string, _io: FrontEndIo, _sink: DiagnosticSink): ComposeDocument | undefined {
  throw new Error('readComposeFile: not implemented');
}
