/** Issue 13 items 13 and 14: repeated problems are counted, output is capped per file, control characters are escaped. */
import { describe, expect, it } from 'vitest';
import { diag, diagWithNotes } from './catalog.js';
import { escapeControls } from './escape.js';
import { formatJson, formatText } from './format.js';
import { formatGithub } from './format-github.js';
import { formatSarif } from './format-sarif.js';
import { DiagnosticSink, MAX_DIAGNOSTICS_PER_FILE } from './types.js';

const at = (line: number, file = 's.yml') => ({ file, line, col: 3 });
const text = (sink: DiagnosticSink) => formatText(sink.items, { cwd: '/', color: false, codeFrame: false, sources: new Map() });

describe('DiagnosticSink', () => {
  it('keeps a problem repeated at one place (numbers aside) once, with its count', () => {
    const sink = new DiagnosticSink();
    const note = [{ message: 'a publishes it here', loc: at(2) }];
    for (let port = 10000; port < 65000; port++) sink.report(diagWithNotes('PORT_CONFLICT', at(5), note, port, 'tcp', 'a', 'ingress'));
    expect(sink.errorCount).toBe(55000);
    expect(sink.items).toHaveLength(1);
    expect(sink.items[0]!.count).toBe(55000);
    expect(text(sink)).toContain("port '10000' (tcp) is already in use by service 'a' as an ingress port (and 54999 more like it here)");
    expect(JSON.parse(formatJson(sink.items, '/'))).toMatchObject({ errors: 55000, diagnostics: [{ count: 55000 }] });
  });

  it('keeps different problems apart', () => {
    const sink = new DiagnosticSink();
    sink.report(diag('PORT_CONFLICT', at(5), 80, 'tcp', 'a', 'ingress'));
    sink.report(diag('PORT_CONFLICT', at(6), 80, 'tcp', 'a', 'ingress'));
    sink.report(diag('PORT_CONFLICT', at(5), 80, 'tcp', 'b', 'ingress'));
    expect(sink.items).toHaveLength(3);
  });

  it(`shows at most ${MAX_DIAGNOSTICS_PER_FILE} distinct problems per file, then one closing "… N more" line`, () => {
    const sink = new DiagnosticSink();
    for (let line = 1; line <= 1000; line++) sink.report(diag('PORT_CONFLICT', at(line), 80, 'tcp', 'a', 'ingress'));
    for (let line = 1; line <= 3; line++) sink.report(diag('PORT_CONFLICT', at(line, 'other.yml'), 80, 'tcp', 'a', 'ingress'));
    expect(sink.errorCount).toBe(1003);
    expect(sink.items).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 3 + 1);
    const lines = text(sink).trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`meshc error DIAGNOSTICS_OMITTED: \u2026 900 more errors in s.yml not shown (meshc shows the first ${MAX_DIAGNOSTICS_PER_FILE} distinct problems per file)`);
    expect(JSON.parse(formatJson(sink.items, '/')).errors).toBe(1003);
  });

  // Kept as items only what is shown: a million reports hold the memory of twenty (no timing
  // bound here: speed is bench/'s business, and a timed assertion fails on a busy machine).
  it('a million reports keep the memory of the distinct ones and count every one', () => {
    const sink = new DiagnosticSink();
    for (let i = 0; i < 1_000_000; i++) sink.report(diag('PORT_CONFLICT', at(1 + (i % 20)), i, 'tcp', 'a', 'ingress'));
    expect(sink.items).toHaveLength(20);
    expect(sink.errorCount).toBe(1_000_000);
  });
});

describe('control characters from the input', () => {
  const hostile = 'x\u001b[31mfake.yml:1:1 error\rX\u0007\n\u202e';

  it('are escaped, idempotently', () => {
    expect(escapeControls(hostile)).toBe('x\\e[31mfake.yml:1:1 error\\rX\\x07\\n\\u{202e}');
    expect(escapeControls(escapeControls(hostile))).toBe(escapeControls(hostile));
  });

  it('never reach any format raw, in messages, notes or file names', () => {
    const sink = new DiagnosticSink();
    sink.report(diagWithNotes('SCHEMA_VIOLATION', at(1, `a${hostile}.yml`), [{ message: hostile, loc: at(2) }], `services.${hostile}`, 'is not allowed'));
    // A diagnostic built without the sink gets the same treatment from the formatters.
    const direct = { ...diag('SCHEMA_VIOLATION', at(1), hostile, 'x'), notes: [{ message: hostile }] };
    for (const items of [sink.items, [direct]]) {
      const outputs = {
        text: text({ items } as unknown as DiagnosticSink),
        json: JSON.stringify(JSON.parse(formatJson(items, '/'))),
        sarif: formatSarif(items, { toolVersion: '0', cwd: '/' }),
        github: formatGithub(items),
      };
      for (const [format, out] of Object.entries(outputs)) {
        // JSON formats are checked on their decoded strings; meshc's own line ends aside, no control character remains.
        const shown = format === 'json' || format === 'sarif' ? strings(JSON.parse(out)).join(' ') : out.replace(/\n/g, ' ');
        expect(shown.replace(/\n(?=note: )/g, ' '), format).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
        expect(shown, format).toContain('\\e[31mfake.yml');
      }
    }
  });
});

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
