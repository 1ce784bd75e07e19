import type { Diagnostic } from './types.js';
/** STUB (owned by the ecosystem engineer): SARIF 2.1.0. */
export function formatSarif(_items: readonly Diagnostic[], _opts: { toolVersion: string; cwd: string }): string {
  throw new Error('formatSarif: not implemented');
}
