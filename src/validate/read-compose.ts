/**
 * The front end's first half for one Compose file, in docker/cli's order (stack
 * loader.go): read → decode → parse YAML → version → forbidden/unsupported options →
 * interpolation (+ type casts) → schema of that version. Unlike docker, every stage
 * reports all of its problems, each at its position, and the next stage still runs when
 * it can, so one run shows every mistake of the file.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import { readPositioned } from '../source/positioned.js';
import { checkFloatPorts } from './float-ports.js';
import { interpolateConfig } from './interpolate.js';
import { checkLoader } from './loader-checks.js';
import { checkServiceOptions } from './service-options.js';
import { validateSchema } from './validate-schema.js';
import { selectVersion } from './version.js';
import { isRecord } from '../model/json.js';

export interface FrontEndIo {
  readFile(path: string): Buffer;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** See CliIo.isRegularFile; absent in in-memory tests. */
  isRegularFile?(path: string): boolean;
}

/**
 * One Compose file: parse (YAML 1.2, positions kept) → version → forbidden options →
 * interpolation (+ docker's type casts) → schema of that version. Reports every problem
 * of the file; returns undefined when any was an error.
 */
export function readComposeFile(file: string, io: FrontEndIo, sink: DiagnosticSink): ComposeDocument | undefined {
  const bytes = readBytes(file, io, sink);
  if (!bytes) return undefined;
  const read = readPositioned(bytes, file, sink);
  if (!read) return undefined;
  const { parsed, map } = read;
  const raw = parsed.data;
  if (!isRecord(raw)) {
    sink.report(diag('TOP_LEVEL_NOT_MAPPING', map.locate([]), describe(raw)));
    return undefined;
  }
  const before = sink.errorCount;
  const version = selectVersion(raw, map, sink);
  const forbidden = checkServiceOptions(raw, map, sink);
  const { data, failed } = interpolateConfig(raw, io.env, map, sink);
  if (version) validateSchema(data, version, map, [...failed, ...forbidden], sink);
  checkFloatPorts(parsed, raw, map.locate, sink);
  if (sink.errorCount === before) checkLoader(data, map.locate, sink, io.env);
  if (sink.errorCount > before || !version) return undefined;
  return { version, data, files: [file], locate: map.locate, locateKey: map.locateKey };
}

function readBytes(file: string, io: FrontEndIo, sink: DiagnosticSink): Buffer | undefined {
  try {
    return io.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') sink.report(diag('FILE_NOT_FOUND', undefined, file));
    else sink.report(diag('FILE_UNREADABLE', undefined, file, code ?? (e instanceof Error ? e.message : String(e))));
    return undefined;
  }
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'an empty document';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
