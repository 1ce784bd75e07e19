/**
 * GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=CODE::message`
 * line per diagnostic, which the runner turns into an annotation on the file and line.
 * Escaping follows @actions/core (command.ts): message data escapes %, CR and LF;
 * property values also escape ':' and ',', which would otherwise end the property.
 */
import { escapeControls } from './escape.js';
import { displayMessage } from './format.js';
import type { Diagnostic, Severity } from './types.js';

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

/** One line per diagnostic, each ending in '\n'; '' for none. Paths are printed as the diagnostics hold them. */
export function formatGithub(items: readonly Diagnostic[]): string {
  return items.map((d) => `::${COMMAND[d.severity]} ${properties(d)}::${escapeData(messageOf(d))}\n`).join('');
}

function properties(d: Diagnostic): string {
  const props: [string, string | number | undefined][] = [];
  const loc = d.loc;
  if (loc && loc.file !== '-') {
    props.push(['file', escapeControls(loc.file)], ['line', loc.line], ['col', loc.col]);
    if (loc.endLine !== undefined) props.push(['endLine', loc.endLine]);
    if (loc.endCol !== undefined && (loc.endLine === undefined || loc.endLine === loc.line)) props.push(['endColumn', loc.endCol]);
  }
  props.push(['title', d.code]);
  return props.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
}

/** Notes become extra lines of the annotation, each with its position when it has one. */
function messageOf(d: Diagnostic): string {
  const notes = (d.notes ?? []).map((n) => `note: ${escapeControls(n.message)}${n.loc ? ` (${escapeControls(n.loc.file)}:${n.loc.line}:${n.loc.col})` : ''}`);
  return [displayMessage(d), ...notes].join('\n');
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
