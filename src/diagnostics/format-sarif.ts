/**
 * SARIF 2.1.0 (OASIS) for code-scanning tools: one run, one rule per catalog code that
 * occurs, one result per diagnostic. URIs are relative to `cwd` with uriBaseId
 * %SRCROOT% (the checkout root in GitHub code scanning), and the absolute cwd is
 * never written, so the document is the same on every machine.
 */
import { escapeControls } from './escape.js';
import { displayMessage } from './format.js';
import { isAbsolute, relative, sep } from 'node:path';
import { catalog, type DiagnosticCode } from './catalog.js';
import type { Diagnostic, RelatedNote, Severity, SourceLoc } from './types.js';

export interface SarifOptions {
  readonly toolVersion: string;
  readonly cwd: string;
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVEL: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'note' };

/** The whole SARIF log as pretty JSON ending in '\n'; an empty results list when there is nothing to report. */
export function formatSarif(items: readonly Diagnostic[], opts: SarifOptions): string {
  const codes = [...new Set(items.map((d) => d.code))].sort();
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'meshc', version: opts.toolVersion, rules: codes.map(ruleOf) } },
        // yaml's positions are JavaScript string indices, i.e. UTF-16 code units.
        columnKind: 'utf16CodeUnits',
        results: items.map((d) => resultOf(d, codes.indexOf(d.code), opts.cwd)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function ruleOf(code: DiagnosticCode): object {
  const words = code.toLowerCase().split('_');
  return {
    id: code,
    name: words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: words.join(' ') },
    defaultConfiguration: { level: LEVEL[catalog[code].severity] },
  };
}

function resultOf(d: Diagnostic, ruleIndex: number, cwd: string): object {
  const notes = d.notes ?? [];
  // stdin ('-') has no URI: such positions stay in the message text.
  const placed = (n: RelatedNote) => n.loc !== undefined && n.loc.file !== '-';
  const unplaced = notes.filter((n) => !placed(n)).map((n) => `note: ${escapeControls(n.message)}`);
  const related = notes.flatMap((n, i) => (placed(n) && n.loc ? [relatedOf(n, n.loc, i + 1, cwd)] : []));
  return {
    ruleId: d.code,
    ruleIndex,
    level: LEVEL[d.severity],
    message: { text: [displayMessage(d), ...unplaced].join('\n') },
    ...(d.loc && d.loc.file !== '-' ? { locations: [{ physicalLocation: physicalOf(d.loc, cwd) }] } : {}),
    ...(related.length ? { relatedLocations: related } : {}),
  };
}

function relatedOf(note: RelatedNote, loc: SourceLoc, id: number, cwd: string): object {
  return { id, message: { text: escapeControls(note.message) }, physicalLocation: physicalOf(loc, cwd) };
}

function physicalOf(loc: SourceLoc, cwd: string): object {
  const region: Record<string, number> = { startLine: loc.line, startColumn: loc.col };
  if (loc.endLine !== undefined) region.endLine = loc.endLine;
  if (loc.endCol !== undefined) region.endColumn = loc.endCol;
  return { artifactLocation: artifactOf(loc.file, cwd), region };
}

/** Relative to cwd, each segment percent-encoded so spaces, '#' or ':' cannot change the URI's meaning. */
function artifactOf(file: string, cwd: string): object {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  const uri = rel.split(sep).join('/').split('/').map(encodeURIComponent).join('/');
  return { uri, uriBaseId: '%SRCROOT%' };
}
