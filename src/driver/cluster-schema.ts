/**
 * The cluster file's precompiled validator (schemas/cluster.schema.json, compiled by
 * scripts/compile-schemas.mjs beside the Compose ones and loaded the same way).
 */
import { findGenerated, loadCjs } from '../source/load-cjs.js';
import type { SchemaValidator } from '../validate/schema-validators.js';

interface AjvValidate {
  (data: unknown): boolean;
  errors?: Parameters<SchemaValidator>[0][] | null;
}

let cached: SchemaValidator | undefined;

export function clusterValidator(): SchemaValidator {
  if (cached) return cached;
  const file = findGenerated(import.meta.url, ['../validate/generated/cluster.cjs', '../../src/validate/generated/cluster.cjs']);
  if (!file) throw new Error('cluster.cjs is missing: run node scripts/compile-schemas.mjs');
  // The cluster schema uses no custom formats; the factory still takes the formats object.
  const validate = (loadCjs(file) as (formats: object) => AjvValidate)({});
  cached = (data) => (validate(data) ? [] : ((validate.errors ?? []) as unknown as ReturnType<SchemaValidator>));
  return cached;
}
