/**
 * Reads an output tree for `meshc diff` and `compile --diff`: map of relative path → text.
 * The directory is checked exactly as the write path checks it (output-owner.ts) before
 * anything is read, and only the files meshc wrote (those its marker lists, or those of an
 * adopted old tree) are read, none through a symlink, each size-limited.
 */
import { join } from 'node:path';
import { inspectOutputDir, readRegularNoFollow } from './output-owner.js';
import { MAX_INPUT_BYTES } from './inputs.js';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';

export type TreeRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'tree'; readonly files: Map<string, string> }
  | { readonly kind: 'not-owned'; readonly reason: string }
  | { readonly kind: 'unreadable'; readonly path: string; readonly reason: string };

export function readOutputTree(dir: string): TreeRead {
  const state = inspectOutputDir(dir);
  if (state.kind !== 'owned') return state.kind === 'absent' ? state : { kind: 'not-owned', reason: state.reason };
  const files = new Map<string, string>();
  for (const rel of state.files) {
    const path = join(dir, ...rel.split('/'));
    try {
      files.set(rel, readRegularNoFollow(path, MAX_INPUT_BYTES).toString('utf8'));
    } catch (err) {
      // Listed but removed since: the diff shows it as removed, as it is.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return { kind: 'unreadable', path, reason: (err as Error).message };
    }
  }
  return { kind: 'tree', files };
}

const DIFF_ADVICE = 'meshc diff reads only directories written by meshc compile (they hold .meshc-output.json)';

/** The tree, or undefined after reporting why it cannot be diffed (exit 2). */
export function readTreeOrReport(dir: string, opts: { readonly absentIsEmpty: boolean }, sink: DiagnosticSink): Map<string, string> | undefined {
  const read = readOutputTree(dir);
  switch (read.kind) {
    case 'tree':
      return read.files;
    case 'absent':
      if (opts.absentIsEmpty) return new Map();
      sink.report(diag('FILE_NOT_FOUND', undefined, dir));
      return undefined;
    case 'not-owned':
      sink.report(diag('OUTPUT_NOT_OWNED', undefined, dir, read.reason, DIFF_ADVICE));
      return undefined;
    case 'unreadable':
      sink.report(diag('FILE_UNREADABLE', undefined, read.path, read.reason));
      return undefined;
  }
}
