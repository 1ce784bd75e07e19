/**
 * Reads a meshc output tree into a map of relative path → text, for `meshc diff` and
 * `compile --diff`. Ownership is decided the same way as for writing, before anything is
 * read; then only the files the marker lists are read, without following a symlink, so
 * a directory (or a link to one) that meshc did not write is never printed or walked.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownershipOf } from './output-marker.js';

/** A tree that cannot be read: `notOwned` is a usage error (not a meshc output), else I/O. */
export class TreeError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly notOwned: boolean,
  ) {
    super(message);
  }
}

/** Files larger than this are not ones meshc wrote (a node's largest file is a few MB). */
const MAX_TREE_FILE_BYTES = 256 * 1024 * 1024;

/** `missingOk`: a directory that does not exist reads as empty (the first `compile --diff`). */
export function readTree(dir: string, missingOk: boolean): Map<string, string> {
  const owner = ownershipOf(dir);
  if (owner.kind === 'absent' && !missingOk) throw new TreeError(dir, `${dir}: no such directory`, true);
  if (owner.kind === 'foreign') throw new TreeError(dir, `${dir} ${owner.why}: not a meshc output tree`, true);
  const files = new Map<string, string>();
  if (owner.kind !== 'owned') return files;
  for (const path of owner.marker.files) {
    const text = readOwnFile(join(dir, ...path.split('/')));
    if (text !== undefined) files.set(path, text);
  }
  return files;
}

/** Undefined for a listed file that is gone or is no longer a regular file (a planted link is not read). */
function readOwnFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') return undefined;
    throw new TreeError(path, (err as Error).message, false);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_TREE_FILE_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
