/**
 * The precompiled validators of meshc's own inputs: the cluster file, the inventory and the
 * lock file (schemas/<name>.schema.json, compiled by scripts/compile-schemas.mjs beside the
 * Compose ones and loaded the same way, so start-up compiles no schema and loads no ajv).
 */
import { precompiledSchema, type SchemaError } from '../validate/schema-validators.js';

export type InputSchema = 'cluster' | 'inventory' | 'lock';

/** An ajv error of these validators: the inventory's and lock's carry ajv's message. */
export interface InputSchemaError extends SchemaError {
  readonly message?: string;
}

/** Every error of `data` against the schema; none when it is valid. */
export type InputValidator = (data: unknown) => readonly InputSchemaError[];

export function precompiledValidator(name: InputSchema): InputValidator {
  // These schemas use no custom formats; the factory still takes the formats object.
  return precompiledSchema<InputSchemaError>(`${name}.cjs`, {});
}
