/**
 * Writes the output tree all or nothing: every file goes into a fresh sibling
 * directory, which then replaces DIR with renames. A failed compile leaves DIR as it
 * was; a symlink planted inside DIR is never followed, because nothing is written
 * into the old DIR. A DIR that exists and is not a meshc output is never replaced.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { OutputFile } from '../model/rules.js';

const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.@+-]*)*$/;
const MARKER = 'plan.json';

/** Throws an Error whose message is user-facing (reported as OUTPUT_UNWRITABLE). */
export function writeOutputTree(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    if (!SAFE_PATH.test(f.path) || f.path.split('/').some((seg) => seg === '..' || seg === '.')) {
      throw new Error(`refusing unsafe output path ${JSON.stringify(f.path)}`);
    }
  }
  const target = resolve(dir);
  assertReplaceable(target);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.meshc-`));
  try {
    for (const f of files) {
      const path = join(staging, ...f.path.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content, { flag: 'wx' });
      chmodSync(path, f.mode);
    }
    swapIn(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

function assertReplaceable(target: string): void {
  if (!existsSync(target)) return;
  const st = lstatSync(target);
  if (st.isSymbolicLink()) throw new Error(`${target} is a symbolic link; give the real directory`);
  if (!st.isDirectory()) throw new Error(`${target} exists and is not a directory`);
  const entries = readdirSync(target);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new Error(`${target} exists, is not empty and holds no ${MARKER}: not a meshc output, not replacing it`);
  }
}

function swapIn(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const old = `${staging}.old`;
  renameSync(target, old);
  try {
    renameSync(staging, target);
  } catch (err) {
    renameSync(old, target);
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Writes one file atomically (temp file + rename), for the lock file. The temp name is
 * unpredictable and opened with O_EXCL, so a symlink planted beside the lock is never
 * followed; rename replaces a symlink at `path` itself rather than writing through it.
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
