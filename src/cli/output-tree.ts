/**
 * Writes the output tree and the lock as one transaction: nothing visible changes unless
 * both succeed. `-o DIR` is replaced only when meshc can prove it wrote it (output-owner.ts).
 *
 * The tree is staged inside DIR (`.meshc-staging-*`), the lock beside the lock file (an
 * O_EXCL temporary, so the lock's directory is known writable before anything is swapped).
 * Then DIR's *contents* are swapped, never DIR itself: the old entries move into
 * `.meshc-old-*`, the staged ones into DIR, the marker last; then the lock is renamed into
 * place. Any failure moves everything back. Renaming entries (not the directory) is what
 * makes a mount point and a writable DIR under a read-only parent work, and DIR keeps its
 * owner and mode; a DIR meshc creates gets the usual mode (0777 less the umask).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OutputFile } from '../model/rules.js';
import { OUTPUT_MARKER, inspectOutputDir, isSafeOutputPath, markerText } from './output-owner.js';

/** DIR is not meshc's to replace; `reason` says why. Reported as OUTPUT_NOT_OWNED (exit 2). */
export class OutputNotOwnedError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${dir}: ${reason}`);
  }
}

export interface CommitRequest {
  readonly dir: string;
  readonly files: readonly OutputFile[];
  /** The lock to write in the same transaction; absent when it is unchanged or frozen. */
  readonly lock?: { readonly path: string; readonly text: string };
  /** Files (the stack, its lock) whose directory DIR must not be or contain. */
  readonly protect?: readonly string[];
}

/** Throws OutputNotOwnedError, or an Error whose message is user-facing (OUTPUT_UNWRITABLE). */
export function commitOutputs(req: CommitRequest): void {
  for (const f of req.files) {
    if (!isSafeOutputPath(f.path) || f.path === OUTPUT_MARKER) throw new Error(`refusing unsafe output path ${JSON.stringify(f.path)}`);
  }
  const target = resolve(req.dir);
  for (const p of req.protect ?? []) {
    if (isWithin(dirname(resolve(p)), target)) {
      throw new OutputNotOwnedError(target, `it holds ${basename(p)}'s directory, and meshc replaces the whole directory`);
    }
  }
  const state = inspectOutputDir(target);
  if (state.kind === 'refused') throw new OutputNotOwnedError(target, state.reason);
  const created = state.kind === 'absent';
  if (created) mkdirSync(target, { recursive: true });
  const undo: Array<() => void> = [];
  try {
    const staging = mkdtempSync(join(target, '.meshc-staging-'));
    undo.push(() => rmSync(staging, { recursive: true, force: true }));
    stage(staging, req.files);
    const lockTmp = req.lock ? stageLock(req.lock.path, req.lock.text, undo) : undefined;
    const oldEntries = state.kind === 'owned' ? topLevel([...state.files, ...(state.hasMarker ? [OUTPUT_MARKER] : [])]) : [];
    const finish = swapContents(target, staging, oldEntries, undo);
    if (req.lock && lockTmp) renameSync(lockTmp, req.lock.path);
    finish();
  } catch (err) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: keep undoing the other steps.
      }
    }
    if (created) rmSync(target, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Writes every file into the staging folder with exactly its mode. A 1,000-service tree is
 * ~3,300 files in ~100 folders, and each file used to cost a recursive mkdir and a chmod
 * besides its open and write (stage: 132 ms of CPU in --cpu-prof, mostly syscalls): so each
 * folder is made once, and a file is created with its mode, which the umask (or a default
 * ACL) may narrow. Whether it did is seen on the first file of each mode, by stat; files of
 * that mode get the chmod only when it did, so every mode ends exactly as before.
 */
function stage(staging: string, files: readonly OutputFile[]): void {
  const made = new Set<string>();
  const exact = new Map<number, boolean>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (made.has(dir)) continue;
      // The staging folder is new and every path is checked (isSafeOutputPath): nothing is there yet.
      mkdirSync(join(staging, ...parts.slice(0, i)));
      made.add(dir);
    }
    const path = join(staging, ...parts);
    writeFileSync(path, f.content, { flag: 'wx', mode: f.mode });
    let asCreated = exact.get(f.mode);
    if (asCreated === undefined) exact.set(f.mode, (asCreated = (statSync(path).mode & 0o7777) === f.mode));
    if (!asCreated) chmodSync(path, f.mode);
  }
  writeFileSync(join(staging, OUTPUT_MARKER), markerText(files.map((f) => f.path)), { flag: 'wx', mode: 0o644 });
}

/**
 * The lock's bytes in an unpredictable O_EXCL temporary beside it: a symlink planted there
 * is never followed, and an unwritable directory fails here, before any swap.
 */
function stageLock(path: string, text: string, undo: Array<() => void>): string {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.meshc-tmp`);
  writeFileSync(tmp, text, { flag: 'wx' });
  undo.push(() => rmSync(tmp, { force: true }));
  return tmp;
}

/**
 * Moves the old entries aside and the staged ones in (marker last), recording how to undo
 * each move; returns the cleanup to run once the whole transaction has succeeded.
 */
function swapContents(target: string, staging: string, oldEntries: readonly string[], undo: Array<() => void>): () => void {
  const old = mkdtempSync(join(target, '.meshc-old-'));
  undo.push(() => rmSync(old, { recursive: true, force: true }));
  for (const name of oldEntries) {
    if (!existsSync(join(target, name))) continue;
    renameSync(join(target, name), join(old, name));
    undo.push(() => renameSync(join(old, name), join(target, name)));
  }
  const incoming = readdirSync(staging).sort((a, b) => Number(a === OUTPUT_MARKER) - Number(b === OUTPUT_MARKER));
  for (const name of incoming) {
    // Something appeared since the inspection: never rename over it.
    if (existsSync(join(target, name))) throw new OutputNotOwnedError(target, `${JSON.stringify(name)} appeared while meshc was writing`);
    renameSync(join(staging, name), join(target, name));
    undo.push(() => rmSync(join(target, name), { recursive: true, force: true }));
  }
  // Committed by then: a failure to tidy up must not undo it (a leftover is refused next time, by name).
  return () => {
    try {
      rmSync(old, { recursive: true, force: true });
      rmdirSync(staging);
    } catch {
      // Left for the user; the next compile's refusal names it.
    }
  };
}

function topLevel(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split('/')[0] ?? p))];
}

/** True when `path` is `dir` or inside it. */
function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Writes one file atomically (temp file + rename). The temp name is unpredictable and
 * opened with O_EXCL, so a symlink planted beside the file is never followed; rename
 * replaces a symlink at `path` itself rather than writing through it.
 */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.meshc-tmp`);
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
