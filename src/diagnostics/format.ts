/**
 * Renders diagnostics for people (text, with a code frame on a TTY) and for tools
 * (JSON). Position arithmetic and frames live here, never in the stages.
 */
import { relative, resolve } from 'node:path';
import { escapeControls } from './escape.js';
import type { Diagnostic, SourceLoc } from './types.js';

export interface TextOptions {
  readonly cwd: string;
  readonly color: boolean;
  readonly codeFrame: boolean;
  readonly sources: ReadonlyMap<string, string>;
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);
const SEVERITY_COLOR = { error: '31;1', warning: '33;1', info: '36' } as const;

export function locText(loc: SourceLoc | undefined, cwd: string): string {
  if (!loc) return 'meshc';
  return `${escapeControls(displayPath(loc.file, cwd))}:${loc.line}:${loc.col}`;
}

/**
 * The message as every format prints it: control characters escaped (the sink already
 * did; diagnostics built elsewhere get the same), and a repeated problem's count.
 */
export function displayMessage(d: Diagnostic): string {
  const more = d.count !== undefined && d.count > 1 && d.code !== 'DIAGNOSTICS_OMITTED' ? ` (and ${d.count - 1} more like it here)` : '';
  return escapeControls(d.message) + more;
}

/** File names relative to the working directory, as the user typed them. */
export function displayPath(file: string, cwd: string): string {
  return file === '-' ? '<stdin>' : relative(cwd, resolve(cwd, file)) || file;
}

/** `stack.yml:9:11 error PORT_CONFLICT: message`, then notes and an optional code frame. */
export function formatText(items: readonly Diagnostic[], opts: TextOptions): string {
  const out: string[] = [];
  for (const d of items) {
    const sev = paint(opts.color, SEVERITY_COLOR[d.severity], d.severity);
    out.push(`${locText(d.loc, opts.cwd)} ${sev} ${d.code}: ${displayMessage(d)}`);
    if (opts.codeFrame && d.loc) out.push(...codeFrame(opts.sources.get(d.loc.file), d.loc, opts.color));
    for (const n of d.notes ?? []) out.push(`  note: ${escapeControls(n.message)}${n.loc ? ` (${locText(n.loc, opts.cwd)})` : ''}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** Two lines of context above the offending line, and a caret under its column. */
function codeFrame(source: string | undefined, loc: SourceLoc, color: boolean): string[] {
  if (source === undefined) return [];
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, loc.line - 2);
  const width = String(loc.line).length;
  const frame: string[] = [];
  for (let n = first; n <= Math.min(loc.line, lines.length); n++) {
    const marker = n === loc.line ? paint(color, '31;1', '>') : ' ';
    frame.push(`${marker} ${String(n).padStart(width)} | ${escapeControls((lines[n - 1] ?? '').slice(0, 200))}`);
  }
  const span = loc.endLine === loc.line && loc.endCol && loc.endCol > loc.col ? loc.endCol - loc.col : 1;
  frame.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, loc.col - 1))}${paint(color, '31;1', '^'.repeat(Math.min(span, 80)))}`);
  return frame;
}

/** One JSON document: `{ diagnostics: [...], errors, warnings }`, positions as relative paths. */
export function formatJson(items: readonly Diagnostic[], cwd: string): string {
  return JSON.stringify({ diagnostics: items.map((d) => toJson(d, cwd)), ...counts(items) }, null, 2) + '\n';
}

export function toJson(d: Diagnostic, cwd: string): object {
  const where = (loc: SourceLoc | undefined) =>
    loc ? { file: escapeControls(displayPath(loc.file, cwd)), line: loc.line, col: loc.col } : undefined;
  return {
    code: d.code,
    severity: d.severity,
    message: escapeControls(d.message),
    ...(d.count !== undefined && d.count > 1 ? { count: d.count } : {}),
    ...(d.loc ? { loc: where(d.loc) } : {}),
    ...(d.notes?.length ? { notes: d.notes.map((n) => ({ message: escapeControls(n.message), loc: where(n.loc) })) } : {}),
  };
}

export function counts(items: readonly Diagnostic[]): { errors: number; warnings: number } {
  return {
    errors: items.reduce((sum, d) => sum + (d.severity === 'error' ? (d.count ?? 1) : 0), 0),
    warnings: items.reduce((sum, d) => sum + (d.severity === 'warning' ? (d.count ?? 1) : 0), 0),
  };
}
