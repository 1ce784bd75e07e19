/**
 * Whether meshc may replace (or read, for --diff) a directory: only when it can prove it
 * wrote it. Proof is the marker `.meshc-output.json` that meshc writes last into every tree,
 * naming its format, version and every file it wrote; every entry of the directory must be
 * the marker or a file it lists (or a directory leading to one). A user's `plan.json`, a
 * Terraform directory, the working directory or the stack's own directory fail that test.
 *
 * A tree written before the marker existed is adopted only when it has exactly meshc's
 * shape (see `legacyEntryProblem`): a meshc `plan.json`, `playbook.yml` and a node's
 * `apply.sh`, and nothing but names meshc writes.
 * The inspection never follows a symlink and never reads more than the marker (or the old
 * plan.json), and stops at the first foreign entry or after MAX_ENTRIES, so `/` is refused
 * at once.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

export const OUTPUT_MARKER = '.meshc-output.json';
export const MARKER_FORMAT = 'meshc-output';
export const MARKER_VERSION = 1;

/** Far above any real tree (a 500-node cluster writes ~10,000 files); bounds the walk. */
const MAX_ENTRIES = 200_000;
/** The marker and an old plan.json are read whole, so both are size-limited. */
const MAX_MARKER_BYTES = 16 * 1024 * 1024;

const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.@+-]*)*$/;
// The shape of a tree written by meshc before the marker (render-files, render-runner,
// render-rules, render-health, render-playbook): root files, node directories, tasks/.
const LEGACY_ROOT_FILES = new Set(['plan.json', 'playbook.yml']);
const NODE_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const LEGACY_NODE_FILE = /^(apply\.sh|health-agent\.sh|meshc-health\.service|health\.marks|(host|ingress|ipvs)\.rules)$/;
const LEGACY_TASK_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]*\.rules$/;
// The runner's and the health agent's bodies and the runner's plan-wide data, written once for all nodes in the shared folder (docs/runner.md).
const SHARED_BODIES = new Set(['shared/runner.sh', 'shared/health-agent.sh', 'shared/mesh-data.sh']);

export interface Marker {
  readonly format: typeof MARKER_FORMAT;
  readonly version: typeof MARKER_VERSION;
  /** Relative paths of every file meshc wrote, sorted. */
  readonly files: readonly string[];
}

export type OutputDirState =
  | { readonly kind: 'absent' }
  /** `files`: what meshc wrote there (from the marker, or found in an adopted old tree). */
  | { readonly kind: 'owned'; readonly files: readonly string[]; readonly hasMarker: boolean }
  | { readonly kind: 'refused'; readonly reason: string };

export function isSafeOutputPath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').some((seg) => seg === '..' || seg === '.');
}

export function markerText(files: readonly string[]): string {
  const marker: Marker = { format: MARKER_FORMAT, version: MARKER_VERSION, files: [...files].sort() };
  return JSON.stringify(marker, null, 2) + '\n';
}

/** What `dir` is to meshc. Reads nothing but the marker (or an old tree's plan.json). */
export function inspectOutputDir(dir: string): OutputDirState {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'refused', reason: (err as Error).message };
  }
  if (st.isSymbolicLink()) return { kind: 'refused', reason: 'it is a symbolic link (give the real directory)' };
  if (!st.isDirectory()) return { kind: 'refused', reason: 'it is not a directory' };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    return { kind: 'refused', reason: (err as Error).message };
  }
  if (names.length === 0) return { kind: 'owned', files: [], hasMarker: false };
  return names.includes(OUTPUT_MARKER) ? withMarker(dir) : legacy(dir, names);
}

function withMarker(dir: string): OutputDirState {
  const marker = readMarker(join(dir, OUTPUT_MARKER));
  if (typeof marker === 'string') return { kind: 'refused', reason: `${OUTPUT_MARKER} ${marker}` };
  const listed = new Set(marker.files);
  const dirs = new Set(marker.files.flatMap((f) => f.split('/').slice(0, -1).map((_, i, segs) => segs.slice(0, i + 1).join('/'))));
  const foreign = walk(dir, (path, kind) => {
    if (path === OUTPUT_MARKER) return kind === 'file';
    return kind === 'file' ? listed.has(path) : kind === 'dir' && dirs.has(path);
  });
  return foreign === undefined ? { kind: 'owned', files: marker.files, hasMarker: true } : refusedFor(foreign);
}

/** A tree from a meshc without the marker: adopted only if it has meshc's exact shape. */
function legacy(dir: string, names: readonly string[]): OutputDirState {
  if (!names.includes('plan.json')) return { kind: 'refused', reason: `it holds no ${OUTPUT_MARKER} and no plan.json` };
  const files: string[] = [];
  const foreign = walk(dir, (path, kind) => {
    const ok = legacyEntryProblem(path, kind) === undefined;
    if (ok && kind === 'file') files.push(path);
    return ok;
  });
  if (foreign !== undefined) return refusedFor(foreign);
  // A whole compile (plan, playbook, a node's runner), not just `meshc plan > plan.json`,
  // which is a user's file: one plan.json alone never makes a directory meshc's.
  if (!files.includes('playbook.yml') || !files.some((f) => /^[^/]+\/apply\.sh$/.test(f))) {
    return { kind: 'refused', reason: `it holds no ${OUTPUT_MARKER}, and is not a whole output of an earlier meshc (plan.json, playbook.yml and a node's apply.sh)` };
  }
  if (!isMeshcPlan(join(dir, 'plan.json'))) return { kind: 'refused', reason: 'its plan.json is not a plan meshc wrote' };
  return { kind: 'owned', files: files.sort(), hasMarker: false };
}

/** undefined when `path` (relative) is a name meshc writes, with the kind meshc gives it. */
function legacyEntryProblem(path: string, kind: EntryKind): string | undefined {
  const segs = path.split('/');
  const [top = '', second, third] = segs;
  if (segs.length === 1) return (kind === 'file' && LEGACY_ROOT_FILES.has(top)) || (kind === 'dir' && NODE_NAME.test(top) && !LEGACY_ROOT_FILES.has(top)) ? undefined : 'foreign';
  if (segs.length === 2) return (kind === 'file' && (LEGACY_NODE_FILE.test(second ?? '') || SHARED_BODIES.has(path))) || (kind === 'dir' && second === 'tasks') ? undefined : 'foreign';
  return segs.length === 3 && second === 'tasks' && kind === 'file' && LEGACY_TASK_FILE.test(third ?? '') ? undefined : 'foreign';
}

function refusedFor(foreign: string): OutputDirState {
  // output-tree.ts's working directories, left only if meshc was killed mid-commit.
  if (/^\.meshc-(staging|old)-/.test(foreign)) {
    return { kind: 'refused', reason: `it holds ${JSON.stringify(foreign.split('/')[0])}, left by an interrupted meshc run (compare it with the tree, then remove it)` };
  }
  return { kind: 'refused', reason: `it holds ${JSON.stringify(foreign)}, which meshc did not write` };
}

type EntryKind = 'file' | 'dir' | 'other';

/**
 * Depth-first over `dir` with lstat only (no symlink is followed); `allowed` says whether an
 * entry may be there, and a directory is entered only when allowed. Returns the first
 * entry not allowed (or the point where the walk gave up), undefined when all are.
 */
function walk(dir: string, allowed: (path: string, kind: EntryKind) => boolean): string | undefined {
  let seen = 0;
  const visit = (rel: string): string | undefined => {
    let names: string[];
    try {
      names = readdirSync(rel ? join(dir, rel) : dir).sort();
    } catch {
      return rel || '.';
    }
    for (const name of names) {
      if (++seen > MAX_ENTRIES) return `${rel ? `${rel}/` : ''}${name} (more than ${MAX_ENTRIES} entries)`;
      const path = rel ? `${rel}/${name}` : name;
      let kind: EntryKind = 'other';
      try {
        const st = lstatSync(join(dir, path));
        kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
      } catch {
        return path;
      }
      if (!allowed(path, kind)) return path;
      if (kind === 'dir') {
        const bad = visit(path);
        if (bad !== undefined) return bad;
      }
    }
    return undefined;
  };
  return visit('');
}

/** The marker, or a string saying why it is not one. */
function readMarker(path: string): Marker | string {
  const text = readSmallRegular(path, MAX_MARKER_BYTES);
  if (text === undefined) return 'is not a regular file of at most 16 MiB';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  const m = data as Partial<Marker> | null;
  if (!m || typeof m !== 'object' || m.format !== MARKER_FORMAT) return `is not a meshc marker (format is not "${MARKER_FORMAT}")`;
  if (m.version !== MARKER_VERSION) return `has version ${JSON.stringify(m.version)}; this meshc understands version ${MARKER_VERSION}`;
  if (!Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string' && isSafeOutputPath(f) && f !== OUTPUT_MARKER)) return 'has an invalid file list';
  return { format: MARKER_FORMAT, version: MARKER_VERSION, files: [...new Set(m.files)].sort() };
}

/** A plan.json as meshc writes it: a JSON object with exactly the plan's top-level keys. */
function isMeshcPlan(path: string): boolean {
  const text = readSmallRegular(path, MAX_MARKER_BYTES);
  if (text === undefined) return false;
  try {
    const data = JSON.parse(text) as unknown;
    if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
    return Object.keys(data).sort().join(',') === 'nodes,services,settings,stack';
  } catch {
    return false;
  }
}

/** The file's text if it is a regular file of at most `limit` bytes, not reached through a symlink; else undefined. */
export function readSmallRegular(path: string, limit: number): string | undefined {
  try {
    return readRegularNoFollow(path, limit).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Reads a file meshc wrote: never through a symlink (O_NOFOLLOW), never blocking on a FIFO
 * (O_NONBLOCK), only a regular file (fstat of the opened descriptor, so no race between
 * the check and the read) of at most `limit` bytes. Throws an Error with a `code`
 * (ELOOP for a symlink, ENOTREG, EFBIG, or the system's) otherwise.
 */
export function readRegularNoFollow(path: string, limit: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREG' });
    if (st.size > limit) throw Object.assign(new Error(`${path} is ${st.size} bytes, more than ${limit}`), { code: 'EFBIG' });
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
