/**
 * Type guards for values read from JSON or YAML (inventory, lock, cluster, Compose files):
 * one definition of "a mapping" for every reader, so they cannot disagree on arrays or null.
 */

/** A mapping: an object that is neither null nor an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
