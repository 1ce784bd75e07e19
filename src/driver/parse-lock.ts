/**
 * The lock file's text → Lock. A lock is JSON that meshc wrote itself and is read on every
 * `meshc validate` (a pre-commit hook), so the usual file takes the short way: JSON.parse and
 * the precompiled schema. Only a lock that fails either is read again through the positioned
 * edge (positioned-input.ts), for every problem at its line and column.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Lock } from '../plan/lock.js';
import { precompiledValidator } from './precompiled.js';
import { readInput, schemaProblems } from './positioned-input.js';

/** The lock in `text`, or undefined after reporting why it is unusable (never silently ignored: that would move ports). */
export function parseLock(text: string, file: string, sink: DiagnosticSink): Lock | undefined {
  sink.sources.set(file, text);
  const quick = quickParse(text);
  if (quick !== undefined && precompiledValidator('lock')(quick).length === 0) return withPlacement(quick as Lock);
  const input = readInput(Buffer.from(text, 'utf8'), file, sink, (loc, why) => diag('LOCK_INVALID', loc, file, why));
  if (!input) return undefined;
  const problems = schemaProblems('lock', input);
  for (const p of problems) sink.report(diag('LOCK_INVALID', p.loc, file, `${p.path} ${p.why}`));
  return problems.length === 0 ? withPlacement(input.data as Lock) : undefined;
}

/** A lock from before placement was recorded reads as one with no task placed yet. */
function withPlacement(lock: Lock): Lock {
  return lock.placement === undefined ? { ...lock, placement: {} } : lock;
}

function quickParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
