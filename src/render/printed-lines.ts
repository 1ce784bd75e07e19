/**
 * Where the renderer printed each rule, recorded as it renders, so `meshc explain`
 * cites `node1/host.rules:12` without reading the text back. A side table keyed by the
 * OutputFile object (never written, never part of the file's value: two compiles'
 * files still compare equal); a copy of the object has no entry.
 */
import type { OutputFile, TableName } from '../model/rules.js';

/** One `*table` … `COMMIT` block: its first line, and each rule's line relative to it. */
export interface PrintedTable {
  readonly table: TableName;
  readonly firstLine: number;
  /** chain → the emitter's `args` array (by identity) → offset from `firstLine`. */
  readonly offsets: ReadonlyMap<string, ReadonlyMap<readonly string[], number>>;
}

/** One set, map or chain block of a printed nft table: its header's line and each item's, counted from 1 at the table's first line. */
export interface PrintedNftBlock {
  /** As printed without indentation or the brace: `set published`, `map ports`, `chain prerouting`. */
  readonly header: string;
  readonly line: number;
  /** Elements (as printed, `tcp . 8080 : goto svc_256`, without the comma) and rules (their words, without the comment), in print order. */
  readonly items: readonly { readonly text: string; readonly line: number }[];
}

export interface PrintedLines {
  /** iptables-restore files. */
  readonly tables?: readonly PrintedTable[];
  /** iptables-restore files: the line of each `# hook:` comment, by hook command (`-t nat -I PREROUTING 1 …`). */
  readonly hooks?: ReadonlyMap<string, number>;
  /** ipvsadm files: `<fwmark>` for the service line, `<fwmark> <real ip>` for a real server's. */
  readonly ipvs?: ReadonlyMap<string, number>;
  /**
   * nft files: the line the table block starts at, and its blocks with lines counted from 1
   * at that line (shared by every file that prints the same table: no per-file copy).
   */
  readonly nft?: { readonly firstLine: number; readonly blocks: readonly PrintedNftBlock[] };
}

const printed = new WeakMap<OutputFile, PrintedLines>();

export function recordLines(file: OutputFile, lines: PrintedLines): OutputFile {
  printed.set(file, lines);
  return file;
}

/** What the renderer recorded for this file object; undefined for a file it did not render. */
export function printedLines(file: OutputFile): PrintedLines | undefined {
  return printed.get(file);
}

/** Moves a cursor through rendered text, keeping its 1-based line: only the gaps between known pieces are counted. */
export class LineCursor {
  private at = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /**
   * Finds `piece` (printed verbatim at the start of a line, at or after the cursor) and
   * returns its first line; the cursor then stands after it, `pieceLines` lines later.
   */
  place(piece: string, pieceLines: number): number {
    const start = this.text.indexOf(piece, this.at);
    if (start < 0 || (start > 0 && this.text[start - 1] !== '\n')) throw new Error('internal: a rendered piece is not where its template printed it');
    for (let i = this.text.indexOf('\n', this.at); i >= 0 && i < start; i = this.text.indexOf('\n', i + 1)) this.line++;
    const first = this.line;
    this.at = start + piece.length;
    this.line += pieceLines;
    return first;
  }
}

/** Newlines in `text`: the number of lines of a piece that ends with one. */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
