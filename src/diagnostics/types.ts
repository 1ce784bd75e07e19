/**
 * Diagnostics are plain data: a stable code, a severity, a message and a position.
 * Stages report them through a sink and keep going; rendering (code frames, JSON,
 * SARIF) happens later in the formatter, never in the stage that found the problem.
 */
import type { DiagnosticCode } from './catalog.js';

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
}

/** Collects diagnostics from every stage; the driver stops after a stage that reported errors. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** Source texts by file name, for code frames. */
  readonly sources = new Map<string, string>();

  report(d: Diagnostic): void {
    this.items.push(d);
  }
  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }
  get warningCount(): number {
    return this.items.filter((d) => d.severity === 'warning').length;
  }
  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
