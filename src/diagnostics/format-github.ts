import type { Diagnostic } from './types.js';
/** STUB (owned by the ecosystem engineer): GitHub workflow annotations. */
export function formatGithub(_items: readonly Diagnostic[]): string {
  throw new Error('formatGithub: not implemented');
}
