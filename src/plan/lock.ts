/** The lock file records allocations next to the stack, so recompiling never moves them. */
export interface Lock {
  readonly version: 1;
  readonly [key: string]: unknown;
}

/** `stack.yml` → `stack.meshc-lock.json` in the same directory. */
export function lockPathFor(stackFile: string): string {
  return stackFile.replace(/\.[^./]*$/, '') + '.meshc-lock.json';
}
