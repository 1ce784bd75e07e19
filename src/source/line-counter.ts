/**
 * The yaml library's LineCounter (yaml/dist/parse/line-counter.js), the same shape and
 * answers, so a file the fast reader takes is located without loading the library
 * (plain-scalars.ts says why). The library's parser accepts it too: it calls `addNewLine`
 * unbound, hence the arrow properties.
 */
import type { LineCounter as YamlLineCounter } from 'yaml';

export class LineCounter implements YamlLineCounter {
  readonly lineStarts: number[] = [];

  /** Called with each line's start offset, in ascending order. */
  readonly addNewLine = (offset: number): number => this.lineStarts.push(offset);

  /**
   * The 1-based line and column of `offset`, by binary search; line 0 when no line starts at
   * or before it (the library's answer, kept for the same reason).
   */
  readonly linePos = (offset: number): { line: number; col: number } => {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((starts[mid] as number) < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - (starts[low - 1] as number) + 1 };
  };
}
