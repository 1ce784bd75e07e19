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

interface AjvValidate<E> {
  (data: unknown): boolean;
  errors?: E[] | null;
}

// The only module-level state: immutable validators, memoized by file.
const cache = new Map<string, (data: unknown) => readonly unknown[]>();

/**
 * The validator in generated/<file> (an ajv standalone module), loaded on first use and kept.
 * Every precompiled schema goes through here: the Compose versions and meshc's own inputs
 * (driver/precompiled.ts).
 */
export function precompiledSchema<E>(file: string, formats: object): (data: unknown) => readonly E[] {
  const hit = cache.get(file);
  if (hit) return hit as (data: unknown) => readonly E[];
  const found = findGenerated(import.meta.url, [`./generated/${file}`, `../../src/validate/generated/${file}`]);
  if (!found) throw new Error(`${file} is missing: run node scripts/compile-schemas.mjs`);
  const validate = (loadCjs(found) as (formats: object) => AjvValidate<E>)(formats);
  const validator = (data: unknown): readonly E[] => (validate(data) ? [] : (validate.errors ?? []));
  cache.set(file, validator);
  return validator;
}

/** The validator of a supported version ("3.0" … "3.13"). */
export function schemaValidator(version: string): SchemaValidator {
  return precompiledSchema<SchemaError>(`compose-v${version}.cjs`, composeFormats);
}
