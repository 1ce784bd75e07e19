/**
 * The one catalog of every user-facing diagnostic: one entry per code, sorted by
 * code within each stage's section. No message strings live anywhere else, so
 * reviewers see every sentence in one place and codes stay stable.
 *
 * Stages report through `diag`, which type-checks the message arguments:
 *   sink.report(diag('PORT_CONFLICT', loc, 8080, 'tcp', 'web'))
 */
import type { Diagnostic, RelatedNote, Severity, SourceLoc } from './types.js';

interface Entry {
  readonly severity: Severity;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly message: (...args: any[]) => string;
}

export const catalog = {
  // ---- cli / io ----------------------------------------------------------
  FILE_NOT_FOUND: { severity: 'error', message: (file: string) => `cannot read ${file}: no such file` },
  FILE_UNREADABLE: { severity: 'error', message: (file: string, reason: string) => `cannot read ${file}: ${reason}` },
  OUTPUT_UNWRITABLE: { severity: 'error', message: (path: string, reason: string) => `cannot write ${path}: ${reason}` },
  USAGE: { severity: 'error', message: (what: string) => what },

  // ---- front end: source, interpolate, schema, normalize, deploy checks ---
  // (section owned by the front end; keep sorted)

  // ---- planner: inventory, placement, allocation, lock --------------------
  // (section owned by the planner; keep sorted)

  // ---- emitters -----------------------------------------------------------
  // (section owned by the emitters; keep sorted)
} as const satisfies Record<string, Entry>;

export type DiagnosticCode = keyof typeof catalog;

type Args<C extends DiagnosticCode> = Parameters<(typeof catalog)[C]['message']>;

/** Builds the diagnostic for `code` at `loc` (undefined: no position, e.g. a CLI problem). */
export function diag<C extends DiagnosticCode>(code: C, loc: SourceLoc | undefined, ...args: Args<C>): Diagnostic {
  const entry: Entry = catalog[code];
  return { code, severity: entry.severity, message: entry.message(...args), loc };
}

/** The same, with related locations shown as notes ("first declared here"). */
export function diagWithNotes<C extends DiagnosticCode>(
  code: C,
  loc: SourceLoc | undefined,
  notes: readonly RelatedNote[],
  ...args: Args<C>
): Diagnostic {
  return { ...diag(code, loc, ...args), notes };
}
