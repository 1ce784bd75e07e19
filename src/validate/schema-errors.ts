/**
 * ajv's raw errors → one message per offending location, worded as docker/cli words them
 * (`getMostSpecificError`): `<field> <description>`, `(root)` for the top level, list
 * indices as numbers, "must be a mapping" rather than a pile of failed oneOf branches.
 *
 * With every error collected, a value that fits no branch of a oneOf yields one error per
 * branch. Type and oneOf errors are the "wrong branch" noise: they are dropped wherever a
 * more specific error exists at the same place or below it (the branch whose type did
 * match), and the type errors left at one place are merged ("must be a string or number").
 */
import type { JsonPath } from '../model/compose.js';
import { parsePortSpec } from './port-spec.js';
import type { SchemaError } from './schema-validators.js';

export interface SchemaProblem {
  /** The value the problem is about. */
  readonly path: JsonPath;
  /** The key to point at (an unexpected property), when there is one. */
  readonly keyPath?: JsonPath;
  /** Docker's dotted field name. */
  readonly field: string;
  readonly description: string;
}

interface Raw {
  readonly path: JsonPath;
  readonly property?: string;
  readonly error: SchemaError;
}

const ALTERNATIVE = new Set(['type', 'oneOf', 'anyOf']);

/** Reduces `errors` (against `data`) to docker-worded problems, one per location. */
export function reduceSchemaErrors(errors: readonly SchemaError[], data: unknown): SchemaProblem[] {
  const raws = errors.map((error): Raw => ({ path: toPath(error.instancePath, data), property: propertyOf(error), error }));
  const specific = moreSpecificPlaces(raws);
  const kept = raws.filter((r) => !ALTERNATIVE.has(r.error.keyword) || !specific.has(JSON.stringify(r.path)));
  const byLocation = new Map<string, Raw[]>();
  for (const r of kept) {
    const key = JSON.stringify([r.path, r.property ?? null]);
    byLocation.set(key, [...(byLocation.get(key) ?? []), r]);
  }
  return [...byLocation.values()].map((group) => withDetail(describeLocation(group), group, data));
}

/** A failed `ports` format also says why, in go-connections' words. */
function withDetail(problem: SchemaProblem, group: readonly Raw[], data: unknown): SchemaProblem {
  const format = group.find((r) => r.error.keyword === 'format')?.error.params.format;
  if (format !== 'ports' || !problem.description.startsWith('Does not match')) return problem;
  const value = valueAt(data, problem.path);
  const parsed = typeof value === 'string' ? parsePortSpec(value) : undefined;
  return parsed && !parsed.ok ? { ...problem, description: `${problem.description} (${parsed.error})` } : problem;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let node = data;
  for (const seg of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  return node;
}

/**
 * Places (as JSON paths) where a type/oneOf error is outdone: some error lies below them,
 * or a non-alternative error sits at them. Linear in errors times depth, for files with
 * thousands of mistakes.
 */
function moreSpecificPlaces(raws: readonly Raw[]): Set<string> {
  const places = new Set<string>();
  for (const r of raws) {
    for (let n = 0; n < r.path.length; n++) places.add(JSON.stringify(r.path.slice(0, n)));
    if (!ALTERNATIVE.has(r.error.keyword)) places.add(JSON.stringify(r.path));
  }
  return places;
}

function describeLocation(group: readonly Raw[]): SchemaProblem {
  const first = group[0] as Raw;
  const base = { path: first.path, field: fieldName(first.path) };
  const keyPath = first.property !== undefined ? { keyPath: [...first.path, first.property] } : {};
  const specific = group.find((r) => !ALTERNATIVE.has(r.error.keyword));
  if (specific) return { ...base, ...keyPath, description: describe(specific.error) };
  const types = group.filter((r) => r.error.keyword === 'type').flatMap((r) => typesOf(r.error));
  if (types.length > 0) return { ...base, description: `must be a ${humanTypes([...new Set(types)])}` };
  return { ...base, description: describe(first.error) };
}

function describe(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'additionalProperties':
      return `Additional property ${String(p.additionalProperty)} is not allowed`;
    case 'required':
      return `${String(p.missingProperty)} is required`;
    case 'format':
      return `Does not match format '${String(p.format)}'`;
    case 'enum':
      return `must be one of the following: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'uniqueItems':
      return `array items[${Math.min(Number(p.i), Number(p.j))},${Math.max(Number(p.i), Number(p.j))}] must be unique`;
    case 'minimum':
      return `Must be greater than or equal to ${String(p.limit)}`;
    case 'type':
      return `must be a ${humanTypes(typesOf(e))}`;
    case 'oneOf':
      return 'Must validate one and only one schema (oneOf)';
    case 'anyOf':
      return 'Must validate at least one schema (anyOf)';
    default:
      return `does not satisfy "${e.keyword}"`;
  }
}

function typesOf(e: SchemaError): string[] {
  const t = e.params.type;
  return Array.isArray(t) ? t.map(String) : String(t).split(',');
}

/** docker's humanReadableType: object → mapping, array → list, "a, b or c". */
function humanTypes(types: readonly string[]): string {
  const words = types.map((t) => (t === 'object' ? 'mapping' : t === 'array' ? 'list' : t));
  if (words.length === 1) return words[0] as string;
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function propertyOf(e: SchemaError): string | undefined {
  if (e.keyword === 'additionalProperties') return String(e.params.additionalProperty);
  return undefined;
}

/** JSON pointer → path, with list indices as numbers (decided by the data, since "0" can be a key). */
function toPath(pointer: string, data: unknown): JsonPath {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) ? Number(seg) : undefined;
    out.push(index ?? seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return out;
}

/** gojsonschema's field spelling. */
export function fieldName(path: JsonPath): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

export function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}
