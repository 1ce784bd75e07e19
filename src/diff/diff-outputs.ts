/** STUB (owned by the ecosystem engineer). */
export function diffOutputs(
  _oldFiles: ReadonlyMap<string, string>,
  _newFiles: ReadonlyMap<string, string>,
): { text: string; changed: boolean } {
  throw new Error('diffOutputs: not implemented');
}
