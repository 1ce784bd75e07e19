/**
 * ComposeDocument: the validated, interpolated and merged Compose data, with a way
 * back to the source position of every value. Product of the front end's first half
 * (source → interpolate → schema → merge), input of normalize.
 */
import type { SourceLoc } from '../diagnostics/types.js';

export type JsonPath = readonly (string | number)[];

export interface ComposeDocument {
  /** The schema version used ("3.13" when `version` is missing or "3"). */
  readonly version: string;
  /** Plain data as `docker stack config` would see it after interpolation, casts and merge. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly files: readonly string[];
  /** Position of the value at `path` (after merge: in the file that supplied it); nearest ancestor if absent. */
  locate(path: JsonPath): SourceLoc;
  /** Position of the mapping key at `path` (falls back to locate). */
  locateKey(path: JsonPath): SourceLoc;
}
