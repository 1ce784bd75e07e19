/**
 * The one place that turns a run's diagnostics into output and an exit code
 * (README.md, «Commands»): 0 ok · 1 input errors · 2 usage/IO · 3 internal bug.
 */
import type { CliIo } from './io.js';
import type { Diagnostic, DiagnosticSink } from '../diagnostics/types.js';
import { formatJson, formatText } from '../diagnostics/format.js';
import { formatSarif } from '../diagnostics/format-sarif.js';
import { formatGithub } from '../diagnostics/format-github.js';
import { diag } from '../diagnostics/catalog.js';

export type DiagnosticsFormat = 'text' | 'json' | 'sarif' | 'github';
export const DIAGNOSTICS_FORMATS: readonly DiagnosticsFormat[] = ['text', 'json', 'sarif', 'github'];

export interface WarningPolicy {
  readonly warningsAsErrors: boolean;
  readonly maxWarnings?: number;
}

const IO_CODES = new Set<string>(['FILE_NOT_FOUND', 'FILE_UNREADABLE', 'OUTPUT_UNWRITABLE', 'OUTPUT_NOT_OWNED', 'USAGE']);

export function exitCodeFor(items: readonly Diagnostic[], policy: WarningPolicy): 0 | 1 | 2 {
  if (items.some((d) => d.severity === 'error' && IO_CODES.has(d.code))) return 2;
  if (items.some((d) => d.severity === 'error')) return 1;
  const warnings = items.filter((d) => d.severity === 'warning').length;
  if (warnings > 0 && policy.warningsAsErrors) return 1;
  if (policy.maxWarnings !== undefined && warnings > policy.maxWarnings) return 1;
  return 0;
}

/** Appends the policy's own verdict, so a run failed by --max-warnings says why. */
export function applyWarningPolicy(sink: DiagnosticSink, policy: WarningPolicy): void {
  const warnings = sink.warningCount;
  if (policy.maxWarnings !== undefined && warnings > policy.maxWarnings && !sink.hasErrors()) {
    sink.report(diag('TOO_MANY_WARNINGS', undefined, warnings, policy.maxWarnings));
  }
}

/**
 * Writes the diagnostics: text goes to stderr (stdout carries only the artifact);
 * json/sarif/github are themselves the artifact of `validate` and go to `toStdout`.
 */
export function writeDiagnostics(io: CliIo, sink: DiagnosticSink, format: DiagnosticsFormat, toStdout: boolean, version: string): void {
  const items = sink.items;
  const sinkOut = (text: string) => (toStdout ? io.stdout(text) : io.stderr(text));
  switch (format) {
    case 'text': {
      // Nothing to say, nothing touched: opening stderr is a start-up cost (a clean `validate`).
      if (items.length === 0) return;
      const color = io.stderrIsTTY && !io.env.NO_COLOR;
      io.stderr(formatText(items, { cwd: io.cwd, color, codeFrame: io.stderrIsTTY, sources: sink.sources }));
      return;
    }
    case 'json':
      sinkOut(formatJson(items, io.cwd));
      return;
    case 'sarif':
      sinkOut(formatSarif(items, { toolVersion: version, cwd: io.cwd }));
      return;
    case 'github':
      sinkOut(formatGithub(items));
      return;
  }
}
