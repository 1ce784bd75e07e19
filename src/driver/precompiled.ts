/**
 * The precompiled validators of meshc's own inputs: the cluster file, the inventory and the
 * lock file (schemas/<name>.schema.json, compiled by scripts/compile-schemas.mjs beside the
 * Compose ones and loaded the same way, so start-up compiles no schema and loads no ajv).
 */
import { findGenerated, loadCjs } from '../source/load-cjs.js';
import type { SchemaError } from '../validate/schema-validators.js';

export type InputSchema = 'cluster' | 'inventory' | 'lock';

/** An ajv error of these validators: the inventory's and lock's carry ajv's message. */
export interface InputSchemaError extends SchemaError {
  readonly message?: string;
}

/** Every error of `data` against the schema; none when it is valid. */
export type InputValidator = (data: unknown) => readonly InputSchemaError[];

interface AjvValidate {
  (data: unknown): boolean;
  errors?: InputSchemaError[] | null;
}

// Module state: immutable validators, each loaded on first use.
const cache = new Map<InputSchema, InputValidator>();

export function precompiledValidator(name: InputSchema): InputValidator {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = findGenerated(import.meta.url, [`../validate/generated/${name}.cjs`, `../../src/validate/generated/${name}.cjs`]);
  if (!file) throw new Error(`${name}.cjs is missing: run node scripts/compile-schemas.mjs`);
  // These schemas use no custom formats; the factory still takes the formats object.
  const validate = (loadCjs(file) as (formats: object) => AjvValidate)({});
  const validator: InputValidator = (data) => (validate(data) ? [] : (validate.errors ?? []));
  cache.set(name, validator);
  return validator;
}
