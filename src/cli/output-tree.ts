/**
 * Writes the output tree and the lock as one transaction: nothing visible changes unless
 * both succeed. The directory itself is never renamed, only its contents replaced, so a
 * bind mount or a directory under a read-only parent works and keeps its mode; and it is
 * replaced only when its marker proves meshc wrote it (output-marker.ts).
 *
 * Order: stage the lock beside its target (proves that directory is writable), stage the
 * tree inside DIR, move the old entries aside, move the new ones in, rename the lock into
 * place; on any failure every step taken is undone in reverse.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OutputFile } from '../model/rules.js';
import { MARKER_NAME, isSafeRelative, markerText, ownershipOf, refusal } from './output-marker.js';

/** A failure with the path it concerns; `owned: false` means the directory is not meshc's (exit 2, nothing touched). */
export class OutputError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly notOwned = false,
  ) {
    super(message);
  }
}

export interface OutputCommit {
  readonly dir: string;
  readonly files: readonly OutputFile[];
  /** Written in the same transaction; omitted when the lock does not change (or --frozen). */
  readonly lock?: { readonly path: string; readonly text: string };
}

/** Throws OutputError; on return both the tree and the lock are in place. */
export function commitOutputs(commit: OutputCommit): void {
  for (const f of commit.files) {
    if (!isSafeRelative(f.path)) throw new OutputError(f.path, `refusing unsafe output path ${JSON.stringify(f.path)}`);
  }
  const dir = resolve(commit.dir);
  const owner = ownershipOf(dir);
  if (owner.kind === 'foreign') throw new OutputError(dir, refusal(dir, owner.why), true);
  const undo: Array<() => void> = [];
  const rollback = () => {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: keep undoing the rest; the first error is the one reported.
      }
    }
  };
  try {
    const lockTmp = commit.lock ? stageLock(commit.lock.path, commit.lock.text, undo) : undefined;
    if (owner.kind === 'absent') {
      mkdirSync(dir, { recursive: true });
      undo.push(() => rmdirSync(dir));
    }
    const staging = stageTree(dir, commit.files, undo);
    const oldNames = owner.kind === 'owned' ? topLevel(owner.marker.files) : [];
    const aside = moveAside(dir, oldNames, undo);
    moveIn(staging, dir, undo);
    if (commit.lock && lockTmp) {
      const lockPath = commit.lock.path;
      renameSync(lockTmp, lockPath);
    }
    // Committed: what is left are our own scratch folders.
    rmSync(aside, { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
  } catch (err) {
    rollback();
    if (err instanceof OutputError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(e.path ?? dir, e.message);
  }
}

function stageLock(path: string, text: string, undo: Array<() => void>): string {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.meshc-tmp`);
  try {
    // O_EXCL on an unpredictable name: a symlink planted beside the lock is never followed.
    writeFileSync(tmp, text, { flag: 'wx' });
  } catch (err) {
    throw new OutputError(path, (err as Error).message);
  }
  undo.push(() => rmSync(tmp, { force: true }));
  return tmp;
}

function stageTree(dir: string, files: readonly OutputFile[], undo: Array<() => void>): string {
  const staging = mkdtempSync(join(dir, '.meshc-staging-'));
  undo.push(() => rmSync(staging, { recursive: true, force: true }));
  for (const f of files) {
    const path = join(staging, ...f.path.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { flag: 'wx' });
    chmodSync(path, f.mode);
  }
  writeFileSync(join(staging, MARKER_NAME), markerText(files.map((f) => f.path)), { flag: 'wx' });
  return staging;
}

function topLevel(paths: readonly string[]): string[] {
  return [...new Set([MARKER_NAME, ...paths.map((p) => p.split('/')[0] ?? p)])].sort();
}

/** Moves the old tree's own entries into a scratch folder inside DIR (same file system, no copy). */
function moveAside(dir: string, names: readonly string[], undo: Array<() => void>): string {
  const aside = mkdtempSync(join(dir, '.meshc-old-'));
  undo.push(() => rmSync(aside, { recursive: true, force: true }));
  for (const name of names) {
    const from = join(dir, name);
    if (!lstatSync(from, { throwIfNoEntry: false })) continue;
    const to = join(aside, name);
    renameSync(from, to);
    undo.push(() => renameSync(to, from));
  }
  return aside;
}

function moveIn(staging: string, dir: string, undo: Array<() => void>): void {
  for (const name of readdirSync(staging).sort()) {
    const from = join(staging, name);
    const to = join(dir, name);
    if (lstatSync(to, { throwIfNoEntry: false })) throw new OutputError(to, `${to} appeared while meshc was writing; nothing was changed`);
    renameSync(from, to);
    undo.push(() => renameSync(to, from));
  }
}
