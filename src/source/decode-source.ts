/**
 * Bytes → text, refusing what is not a Compose file before the YAML parser sees it: files
 * over the size limit, binary files (a NUL byte), invalid UTF-8. A leading BOM is dropped,
 * as go-yaml does. Each refusal is one diagnostic; the file is then skipped.
 */
import { isUtf8 } from 'node:buffer';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';

/** Far above any real stack file, low enough that a stray binary or log fails at once. */
export const MAX_COMPOSE_BYTES = 10 * 1024 * 1024;

const BOM = '\uFEFF';

/** Returns the text of `bytes`, or undefined after reporting why it is not a Compose file. */
export function decodeSource(bytes: Uint8Array, file: string, sink: DiagnosticSink): string | undefined {
  if (bytes.length > MAX_COMPOSE_BYTES) {
    sink.report(diag('COMPOSE_FILE_TOO_LARGE', { file, line: 1, col: 1 }, file, bytes.length, MAX_COMPOSE_BYTES));
    return undefined;
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    sink.report(diag('COMPOSE_FILE_BINARY', byteLoc(bytes, nul, file), file, nul));
    return undefined;
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (!isUtf8(buf)) {
    const bad = firstInvalidUtf8(bytes);
    sink.report(diag('COMPOSE_FILE_ENCODING', byteLoc(bytes, bad, file), file, bad));
    return undefined;
  }
  const text = buf.toString('utf8');
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** Line and column (in characters of the valid prefix) of byte `offset`. */
function byteLoc(bytes: Uint8Array, offset: number, file: string): SourceLoc {
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8');
  const lines = before.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { file, line: lines.length, col: [...last].length + 1 };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i);
    if (len === 0) return i;
    i += len;
  }
  return bytes.length;
}

/** Length of the well-formed sequence at `i` (RFC 3629: no overlongs, no surrogates), 0 if none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] ?? 0;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
