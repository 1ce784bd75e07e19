/**
 * Diagnostics are plain data: a stable code, a severity, a message and a position.
 * Stages report them through a sink and keep going; rendering (code frames, JSON,
 * SARIF) happens later in the formatter, never in the stage that found the problem.
 */
import type { DiagnosticCode } from './catalog.js';
import { diag } from './catalog.js';
import { escapeControls } from './escape.js';

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column, as editors show them. */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
}

export interface RelatedNote {
  readonly message: string;
  readonly loc?: SourceLoc;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly loc?: SourceLoc;
  readonly notes?: readonly RelatedNote[];
  /** How many times this problem was reported (absent: once); see DiagnosticSink. */
  readonly count?: number;
}

/** Distinct diagnostics kept per file; the rest are counted in one closing "… N more" line. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/**
 * Collects diagnostics from every stage; the driver stops after a stage that reported errors.
 * A hostile file can make a check fire a million times (20 overlapping 55,000-port ranges),
 * so the sink keeps each distinct problem once with a count (same code, position, notes'
 * positions and message up to its numbers), keeps at most MAX_DIAGNOSTICS_PER_FILE of them
 * per file, and counts the rest. Messages are stored with control characters escaped.
 */
export class DiagnosticSink {
  private readonly kept: Diagnostic[] = [];
  private readonly repeats: number[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly perFile = new Map<string, number>();
  private readonly omitted = new Map<string, { errors: number; warnings: number; infos: number }>();
  private errors = 0;
  private warnings = 0;
  /** Source texts by file name, for code frames. */
  readonly sources = new Map<string, string>();

  report(d: Diagnostic): void {
    if (d.severity === 'error') this.errors++;
    else if (d.severity === 'warning') this.warnings++;
    const key = dedupKey(d);
    const index = this.byKey.get(key);
    if (index !== undefined) {
      this.repeats[index]!++;
      return;
    }
    const file = d.loc?.file ?? '';
    const held = this.perFile.get(file) ?? 0;
    if (held >= MAX_DIAGNOSTICS_PER_FILE) {
      const o = this.omitted.get(file) ?? { errors: 0, warnings: 0, infos: 0 };
      o[d.severity === 'error' ? 'errors' : d.severity === 'warning' ? 'warnings' : 'infos']++;
      this.omitted.set(file, o);
      return;
    }
    this.perFile.set(file, held + 1);
    this.byKey.set(key, this.kept.length);
    this.kept.push(sanitize(d));
    this.repeats.push(1);
  }
  /** What to print: the kept diagnostics, then per capped file one closing "… N more" line per severity. */
  get items(): readonly Diagnostic[] {
    const kept = this.kept.map((d, i) => (this.repeats[i]! > 1 ? { ...d, count: this.repeats[i]! } : d));
    if (this.omitted.size === 0) return kept;
    const closing: Diagnostic[] = [];
    for (const [file, o] of this.omitted) {
      const where = file === '' ? 'without a position' : `in ${escapeControls(file)}`;
      for (const severity of ['error', 'warning', 'info'] as const) {
        const n = o[severity === 'error' ? 'errors' : severity === 'warning' ? 'warnings' : 'infos'];
        if (n > 0) closing.push({ ...diag('DIAGNOSTICS_OMITTED', undefined, n, severity, where, MAX_DIAGNOSTICS_PER_FILE), severity, count: n });
      }
    }
    return [...kept, ...closing];
  }
  get errorCount(): number {
    return this.errors;
  }
  get warningCount(): number {
    return this.warnings;
  }
  hasErrors(): boolean {
    return this.errors > 0;
  }
}

/** Numbers aside, the same code at the same place with the same related places is one problem. */
function dedupKey(d: Diagnostic): string {
  const at = (loc: SourceLoc | undefined) => (loc ? `${loc.file}:${loc.line}:${loc.col}` : '');
  const notes = (d.notes ?? []).map((n) => at(n.loc)).join(',');
  return `${d.code}\0${d.severity}\0${at(d.loc)}\0${notes}\0${d.message.replace(/\b[0-9]+\b/g, '#')}`;
}

function sanitize(d: Diagnostic): Diagnostic {
  const notes = d.notes?.map((n) => ({ ...n, message: escapeControls(n.message) }));
  return { ...d, message: escapeControls(d.message), ...(notes ? { notes } : {}) };
}
