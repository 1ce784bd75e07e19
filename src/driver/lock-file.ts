/**
 * Where a stack's lock is read from and written to.
 *
 * The lock is named after the whole stack file name (`app.yml` → `app.yml.meshc-lock.json`),
 * so `app.yml` and `app.yaml` never share one. Locks written before that
 * (`app.meshc-lock.json`) are still read, so existing users keep their ports, but only when
 * that name is unambiguous: no other `app.yml`, `app.yaml` or `app.json` lies beside the
 * stack. An ambiguous old lock is not read (a warning says so and how to adopt it). The next
 * compile writes the new name; the old file is left alone (meshc deletes nothing it was not
 * asked to) and can be removed once the new one is committed.
 *
 * A stack read from stdin (`-`) has no directory of its own: no lock is read or written
 * unless `--lock FILE` names one. `--lock FILE` also overrides the name for any stack.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface LockLocation {
  /** The lock read (undefined: none is read). */
  readonly read?: string;
  /** Where the lock is written (undefined: never written). */
  readonly write?: string;
  /** An old-style lock found but not read: another stack file could own it. */
  readonly ambiguous?: { readonly legacy: string; readonly others: readonly string[] };
}

/**
 * `app.yml` → `app.yml.meshc-lock.json` in the same directory: the whole file name, so
 * `app.yml` and `app.yaml` never share (and silently give away) each other's allocations.
 */
export function lockPathFor(stackFile: string): string {
  return stackFile + '.meshc-lock.json';
}

/** The name before the above (`app.yml` → `app.meshc-lock.json`), still read when unambiguous. */
export function legacyLockPathFor(stackFile: string): string {
  return stackFile.replace(/\.[^./]*$/, '') + '.meshc-lock.json';
}

/** Stack-file extensions that make an old-style lock name ambiguous. */
const STACK_EXTENSION = /^\.(ya?ml|json)$/i;

/** `stackFile` and `explicit` as given on the command line; `cwd` resolves them. */
export function locateLock(stackFile: string, explicit: string | undefined, cwd: string): LockLocation {
  if (explicit !== undefined) return { read: explicit, write: explicit };
  if (stackFile === '-') return {};
  const current = lockPathFor(stackFile);
  const legacy = legacyLockPathFor(stackFile);
  if (legacy === current || exists(resolve(cwd, current)) || !exists(resolve(cwd, legacy))) return { read: current, write: current };
  const others = stacksSharing(resolve(cwd, stackFile));
  if (others.length === 0) return { read: legacy, write: current };
  return { write: current, ambiguous: { legacy, others } };
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** Other stack files beside `stackPath` with the same name up to the extension (`app.yaml` for `app.yml`). */
function stacksSharing(stackPath: string): string[] {
  const own = basename(stackPath);
  const stem = own.replace(/\.[^.]*$/, '');
  let names: string[];
  try {
    names = readdirSync(dirname(stackPath));
  } catch {
    // The stack was read from this directory, so this is a race or a permission quirk: be safe, call it ambiguous.
    return ['(directory unreadable)'];
  }
  return names.filter((n) => n !== own && n.startsWith(`${stem}.`) && STACK_EXTENSION.test(n.slice(stem.length))).sort();
}
