/**
 * The precompiled schema validators (dist/validate/generated/ in a build, src/validate/generated/
 * when vitest runs the sources; both made by scripts/compile-schemas.mjs, never committed). Each version is loaded on first use and kept: a run
 * touches only the versions its files declare, and start-up compiles nothing.
 */
import { findGenerated, loadCjs } from '../source/load-cjs.js';
import { composeFormats } from './formats.js';

/** The parts of an ajv error meshc reads. */
export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export type SchemaValidator = (data: unknown) => readonly SchemaError[];

interface AjvValidate {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

// The only module-level state: immutable validators, memoized by version.
const cache = new Map<string, SchemaValidator>();

/** The validator of a supported version ("3.0" … "3.13"). */
export function schemaValidator(version: string): SchemaValidator {
  const hit = cache.get(version);
  if (hit) return hit;
  const name = `compose-v${version}.cjs`;
  const file = findGenerated(import.meta.url, [`./generated/${name}`, `../../src/validate/generated/${name}`]);
  if (!file) throw new Error(`${name} is missing: run node scripts/compile-schemas.mjs`);
  const factory = loadCjs(file) as (formats: typeof composeFormats) => AjvValidate;
  const validate = factory(composeFormats);
  const validator: SchemaValidator = (data) => (validate(data) ? [] : (validate.errors ?? []));
  cache.set(version, validator);
  return validator;
}
