/**
 * meshc's own inputs (the inventory, the lock file) through the edge Compose and cluster
 * files take: readPositioned (decoded as docker decodes, parsed as go-yaml parses, every
 * value with its file:line:col), then a precompiled schema (src/driver/precompiled.ts),
 * each problem at the value (or the unknown key) it is about.
 *
 * What the edge finds wrong with the text keeps the input's own code (INVENTORY_SYNTAX,
 * LOCK_INVALID), so a user and a script see which input is broken; the front end's words
 * say why. Schema problems are worded with ajv's messages and a `nodes[0].name` path,
 * the wording these diagnostics have always had.
 */
import type { Diagnostic, SourceLoc } from '../diagnostics/types.js';
import { DiagnosticSink } from '../diagnostics/types.js';
import { isRecord } from '../model/json.js';
import { readPositioned } from '../source/positioned.js';
import type { SourceMap } from '../source/source-map.js';
import { precompiledValidator, type InputSchema, type InputSchemaError } from './precompiled.js';

export interface PositionedInput {
  /** Plain data (merge keys applied, aliases expanded); null for an empty document. */
  readonly data: unknown;
  readonly map: SourceMap;
}

/** The document in `bytes`, or undefined after reporting (as `syntax` words it) why it cannot be read. */
export function readInput(
  bytes: Buffer,
  file: string,
  sink: DiagnosticSink,
  syntax: (loc: SourceLoc | undefined, why: string) => Diagnostic,
): PositionedInput | undefined {
  const local = new DiagnosticSink();
  const read = readPositioned(bytes, file, local);
  for (const [name, text] of local.sources) sink.sources.set(name, text);
  for (const d of local.items) sink.report(d.code === 'DIAGNOSTICS_OMITTED' ? d : syntax(d.loc, d.message.replace(/^yaml: /, '')));
  return read ? { data: read.parsed.data ?? null, map: read.map } : undefined;
}

export interface InputProblem {
  /** Dotted path with list indices in brackets (`nodes[0].name`), `(top level)` for the root. */
  readonly path: string;
  readonly why: string;
  readonly loc: SourceLoc;
}

/** Every schema problem of `input`, at its position, in the order ajv finds them. */
export function schemaProblems(schema: InputSchema, input: PositionedInput): InputProblem[] {
  return precompiledValidator(schema)(input.data).map((e) => toProblem(e, input));
}

function toProblem(e: InputSchemaError, input: PositionedInput): InputProblem {
  const path = pathOf(e.instancePath, input.data);
  const extra = e.keyword === 'additionalProperties' ? String(e.params['additionalProperty']) : undefined;
  if (extra !== undefined) return { path: dotted(path), why: `has unknown property "${extra}"`, loc: input.map.locateKey([...path, extra]) };
  return { path: dotted(path), why: describe(e), loc: input.map.locate(path) };
}

/** ajv's message, with the allowed values spelled out where ajv leaves them out. */
function describe(e: InputSchemaError): string {
  if (e.keyword === 'const') return `must be ${JSON.stringify(e.params['allowedValue'])}`;
  if (e.keyword === 'enum') return `must be one of ${((e.params['allowedValues'] as unknown[] | undefined) ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? 'is invalid';
}

/** JSON pointer → path; a segment is a list index only where the data holds a list ("0" can be a key). */
function pathOf(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  let node = data;
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      const step = Array.isArray(node) ? Number(seg) : seg;
      node = Array.isArray(node) ? node[step as number] : isRecord(node) ? node[seg] : undefined;
      return step;
    });
}

function dotted(path: readonly (string | number)[]): string {
  const text = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return text === '' ? '(top level)' : text.replace(/^\./, '');
}
