/**
 * Text → data with positions, for the planner's own inputs (inventory, lock file).
 * JSON is parsed by the same YAML 1.2 parser so ansible-inventory JSON and lock files
 * get line:col positions too. Ajv errors are mapped back to the offending node.
 */
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import type { SourceLoc } from '../diagnostics/types.js';
import { yaml } from '../source/yaml-runtime.js';

export type Path = readonly (string | number)[];

export interface ParsedSource {
  readonly data: unknown;
  /** Position of the value at `path` (`key`: of its mapping key); nearest ancestor if absent. */
  locate(path: Path, key?: boolean): SourceLoc;
}

/** Parses `text`; on syntax errors calls `onError` for each and returns undefined. */
export function parseSource(text: string, file: string, onError: (why: string, loc: SourceLoc) => void): ParsedSource | undefined {
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const at = (offset: number): SourceLoc => ({ file, ...lineCounter.linePos(offset) });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) onError(e.message.split('\n')[0] ?? e.message, at(e.pos[0]));
    return undefined;
  }
  let data: unknown;
  try {
    // Building data is where yaml refuses an unknown alias or an alias bomb (its count limit
    // is the guard; inventories and locks have no reason to expand many aliases). A too-deep
    // file exhausts the stack. All of these are the user's file, never a meshc bug.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const where = e instanceof Error && e.message.includes('alias') ? aliasOffset(doc, e.message) : 0;
    onError(e instanceof RangeError ? 'the document is nested too deeply' : (e as Error).message.split('\n')[0] ?? String(e), at(where));
    return undefined;
  }
  return { data, locate: (path, key) => at(offsetOf(doc.contents, path, key ?? false)) };
}

/** Offset of the first alias node named at the end of yaml's message (`…: node3`), else 0. */
function aliasOffset(doc: { contents: unknown }, message: string): number {
  const name = /(\S+)$/.exec(message)?.[1];
  let offset = 0;
  yaml.visit(doc as never, {
    Alias(_key, node) {
      if (node.source === name && node.range) {
        offset = node.range[0];
        return yaml.visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

function offsetOf(root: unknown, path: Path, key: boolean): number {
  let node = root as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    let next: unknown;
    if (yaml.isMap(node)) {
      const pair = node.items.find((p) => yaml.isPair(p) && (yaml.isScalar(p.key) ? p.key.value : p.key) === seg);
      if (pair && last && key && (pair.key as Node | null)?.range) return (pair.key as Node).range![0];
      next = pair?.value;
    } else if (yaml.isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    const range = (next as Node | null | undefined)?.range;
    if (!range) return offset;
    node = next as Node;
    offset = range[0];
  }
  return offset;
}

// Memoized, immutable: ajv is loaded and a schema compiled only when a file fails the
// hand-written shape check (shape-checks.ts), so valid inputs never pay for either.
let ajv: AjvClass | undefined;
const validators = new Map<string, ValidateFunction>();

/** Validator for `schemas/<name>.schema.json`, compiled once per process. */
export function schemaValidator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    ajv ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const url = new URL(`../../schemas/${name}.schema.json`, import.meta.url);
    validate = ajv.compile(JSON.parse(readFileSync(url, 'utf8')) as object);
    validators.set(name, validate);
  }
  return validate;
}

export interface SchemaProblem {
  readonly path: string;
  readonly why: string;
  readonly loc: SourceLoc;
}

/** Every schema problem in `source`, with a dotted path (`nodes[0].name`) and a position. */
export function schemaProblems(name: string, source: ParsedSource): SchemaProblem[] {
  const validate = schemaValidator(name);
  if (validate(source.data)) return [];
  return (validate.errors ?? []).map((e) => toProblem(e, source));
}

function toProblem(e: ErrorObject, source: ParsedSource): SchemaProblem {
  const path: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
  const extra = (e.params as { additionalProperty?: string }).additionalProperty;
  const loc = extra !== undefined ? source.locate([...path, extra], true) : source.locate(path);
  const why = extra !== undefined ? `has unknown property "${extra}"` : describe(e);
  return { path: dotted(path), why, loc };
}

/** ajv's message, with the allowed values spelled out where ajv leaves them out. */
function describe(e: ErrorObject): string {
  const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
  if (e.keyword === 'const') return `must be ${JSON.stringify(params.allowedValue)}`;
  if (e.keyword === 'enum') return `must be one of ${(params.allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? 'is invalid';
}

function dotted(path: Path): string {
  const text = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return text === '' ? '(top level)' : text.replace(/^\./, '');
}
