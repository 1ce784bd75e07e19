/**
 * Proof of ownership of an output directory. meshc replaces or reads a directory only
 * when it holds this marker, written by meshc itself, and only the files the marker
 * lists: a `plan.json` a user put there (`meshc plan > plan.json`) proves nothing, and a
 * file meshc did not write is never deleted, overwritten or printed.
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readSync, constants } from 'node:fs';
import { join } from 'node:path';

export const MARKER_NAME = '.meshc-output.json';
const MARKER_FORMAT = 'meshc-output';
const MARKER_VERSION = 1;
/** A marker is a list of relative paths; a larger file is not one meshc wrote. */
const MARKER_MAX_BYTES = 4 * 1024 * 1024;

export interface Marker {
  readonly format: typeof MARKER_FORMAT;
  readonly version: typeof MARKER_VERSION;
  /** Every file meshc wrote, relative, sorted. */
  readonly files: readonly string[];
}

/** The state of a would-be output directory, decided before anything is read or written. */
export type Ownership =
  | { readonly kind: 'absent' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'owned'; readonly marker: Marker }
  | { readonly kind: 'foreign'; readonly why: string };

export function markerText(paths: readonly string[]): string {
  const marker: Marker = { format: MARKER_FORMAT, version: MARKER_VERSION, files: [...paths].sort() };
  return JSON.stringify(marker, null, 2) + '\n';
}

/**
 * Decides whether `dir` may be replaced (or read by --diff). Never follows a symlink and
 * never reads anything but the marker; an owned directory must hold nothing beyond the
 * files and folders its marker lists.
 */
export function ownershipOf(dir: string): Ownership {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return { kind: 'absent' };
  if (st.isSymbolicLink()) return { kind: 'foreign', why: 'is a symbolic link; give the real directory' };
  if (!st.isDirectory()) return { kind: 'foreign', why: 'exists and is not a directory' };
  const entries = readdirSync(dir);
  if (entries.length === 0) return { kind: 'empty' };
  if (!entries.includes(MARKER_NAME)) {
    return { kind: 'foreign', why: `is not empty and was not written by meshc (no ${MARKER_NAME})` };
  }
  const marker = readMarker(join(dir, MARKER_NAME));
  if (typeof marker === 'string') return { kind: 'foreign', why: marker };
  const stray = strayEntry(dir, marker);
  if (stray !== undefined) return { kind: 'foreign', why: `holds ${stray}, which meshc did not write` };
  return { kind: 'owned', marker };
}

/** The user-facing refusal: what is wrong and how to go on. */
export function refusal(dir: string, why: string): string {
  return `${dir} ${why}. meshc only replaces a directory it wrote itself: choose a new or empty directory for -o, or move the foreign files away`;
}

function readMarker(path: string): Marker | string {
  let fd: number;
  try {
    // O_NOFOLLOW: a marker that is a symlink is not one meshc wrote; O_NONBLOCK: a FIFO cannot hang us.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return `has an unreadable ${MARKER_NAME} (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MARKER_MAX_BYTES) return `has a ${MARKER_NAME} that meshc did not write`;
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return parseMarker(buf.subarray(0, off).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

export function parseMarker(text: string): Marker | string {
  const bad = `has a ${MARKER_NAME} that meshc did not write`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad;
  }
  const m = value as Partial<Marker> | null;
  if (m === null || typeof m !== 'object' || m.format !== MARKER_FORMAT) return bad;
  if (m.version !== MARKER_VERSION) return `was written by another version of meshc (output format ${String(m.version)})`;
  if (!Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string' && isSafeRelative(f))) return bad;
  return { format: MARKER_FORMAT, version: MARKER_VERSION, files: m.files };
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/;
export function isSafeRelative(path: string): boolean {
  return path.split('/').every((seg) => SEGMENT.test(seg) && seg !== '..' && seg !== '.');
}

/** The first entry under `dir` that the marker accounts for neither as a file nor as a folder of one. */
function strayEntry(dir: string, marker: Marker): string | undefined {
  const files = new Set(marker.files);
  const folders = new Set<string>();
  for (const f of marker.files) {
    const segs = f.split('/');
    for (let i = 1; i < segs.length; i++) folders.add(segs.slice(0, i).join('/'));
  }
  const walk = (rel: string): string | undefined => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (!rel && name === MARKER_NAME) continue;
      const st = lstatSync(join(dir, path));
      // A listed file replaced by a folder may hold someone's files: not ours to delete.
      if (files.has(path) && !st.isDirectory()) continue;
      // A listed folder that someone replaced with a symlink is not descended into: removing
      // the link loses nothing, and its target is never touched.
      if (folders.has(path) && st.isDirectory()) {
        const inner = walk(path);
        if (inner !== undefined) return inner;
        continue;
      }
      if (folders.has(path) && st.isSymbolicLink()) continue;
      return path;
    }
    return undefined;
  };
  return walk('');
}
