/**
 * Golden error baselines, in the style of TypeScript's `tests/baselines/reference/*.errors.txt`.
 *
 * Each folder `fixtures/errors/<case>/` holds `stack.yml` (optionally `override*.yml`, merged
 * after it in name order, and `env.json`, the whole environment for interpolation). The
 * front end (`loadStack`: read, validate, merge, normalize, deploy checks) runs over it,
 * and `stack.errors.txt` must equal the source annotated with every diagnostic under its
 * line: a caret at the column, then `!!! <severity> <CODE>: <message>`.
 *
 * New case: add a folder, run `UPDATE_GOLDENS=1 npx vitest run test/unit/errors.test.ts`,
 * then READ the diff of the written baseline before committing it: the baseline is the spec.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink, type Diagnostic } from '../../src/diagnostics/types.js';
import { loadStack } from '../../src/pipeline.js';

const ROOT = join(import.meta.dirname, '../../fixtures/errors');
const UPDATE = process.env.UPDATE_GOLDENS === '1';

function caseFiles(dir: string): string[] {
  const overrides = readdirSync(dir).filter((f) => /^override.*\.ya?ml$/.test(f)).sort();
  return ['stack.yml', ...overrides];
}

function runCase(dir: string): { files: string[]; sink: DiagnosticSink } {
  const envFile = join(dir, 'env.json');
  const env = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : {};
  const files = caseFiles(dir);
  const sink = new DiagnosticSink();
  // File names stay relative so baselines never hold a machine's paths.
  loadStack({ files, stackName: 'stack' }, { readFile: (p) => readFileSync(join(dir, p)), env }, sink);
  return { files, sink };
}

/** `file:line:col severity CODE: message` summary, then every file with its diagnostics under their lines. */
export function renderBaseline(files: readonly string[], sources: ReadonlyMap<string, string>, diags: readonly Diagnostic[]): string {
  const out = diags.map((d) => `${d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col} ` : ''}${d.severity} ${d.code}: ${d.message}`);
  for (const file of files) {
    const mine = diags.filter((d) => d.loc?.file === file);
    out.push('', `==== ${file} (${mine.length} diagnostic${mine.length === 1 ? '' : 's'}) ====`);
    out.push(...annotate(sources.get(file) ?? '', mine));
  }
  return `${out.join('\n')}\n`;
}

function annotate(source: string, diags: readonly Diagnostic[]): string[] {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  const atLine = (n: number) => diags.filter((d) => d.loc?.line === n).sort((a, b) => (a.loc?.col ?? 0) - (b.loc?.col ?? 0));
  const last = Math.max(lines.length, ...diags.map((d) => d.loc?.line ?? 0));
  for (let n = 1; n <= last; n++) {
    out.push(`    ${lines[n - 1] ?? ''}`.trimEnd());
    for (const d of atLine(n)) {
      const col = d.loc?.col ?? 1;
      const width = d.loc?.endLine === n && d.loc.endCol !== undefined ? Math.max(1, d.loc.endCol - col) : 1;
      out.push(`    ${' '.repeat(col - 1)}^${'~'.repeat(width - 1)}`);
      out.push(`!!! ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  return out;
}

const cases = existsSync(ROOT) ? readdirSync(ROOT).filter((c) => existsSync(join(ROOT, c, 'stack.yml'))).sort() : [];

describe('error baselines (fixtures/errors)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (name) => {
    const dir = join(ROOT, name);
    const { files, sink } = runCase(dir);
    const actual = renderBaseline(files, sink.sources, sink.items);
    const golden = join(dir, 'stack.errors.txt');
    if (UPDATE) writeFileSync(golden, actual);
    expect(existsSync(golden), `${golden} is missing: run UPDATE_GOLDENS=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
    // A baseline of a case with no diagnostics would test nothing: every case must fail or warn.
    expect(sink.items.length).toBeGreaterThan(0);
  });
});
