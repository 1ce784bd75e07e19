/**
 * A line-sequence diff good enough for review and cheap on big files: the common
 * prefix and suffix are skipped, the middle gets an exact LCS when it is small, and
 * beyond that every line is simply kept, removed or added by membership (order-only
 * changes in huge chains are then not shown, which a reviewer can live with).
 */
export type Edit = { readonly op: ' ' | '-' | '+'; readonly text: string };

/** Above this many middle cells the LCS table would cost too much memory. */
const MAX_CELLS = 4_000_000;

export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle = midA.length * midB.length <= MAX_CELLS ? lcsEdits(midA, midB) : membershipEdits(midA, midB);
  const keep = (lines: readonly string[]): Edit[] => lines.map((text) => ({ op: ' ', text }));
  return [...keep(a.slice(0, start)), ...middle, ...keep(a.slice(endA))];
}

function lcsEdits(a: readonly string[], b: readonly string[]): Edit[] {
  const width = b.length + 1;
  // suffix LCS lengths: table[i * width + j] = LCS(a[i..], b[j..])
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ op: ' ', text: a[i++] as string });
      j++;
    } else if (i < a.length && (j === b.length || (table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0))) {
      edits.push({ op: '-', text: a[i++] as string });
    } else {
      edits.push({ op: '+', text: b[j++] as string });
    }
  }
  return edits;
}

function membershipEdits(a: readonly string[], b: readonly string[]): Edit[] {
  const inB = new Set(b);
  const inA = new Set(a);
  return [
    ...a.map((text): Edit => ({ op: inB.has(text) ? ' ' : '-', text })),
    ...b.filter((text) => !inA.has(text)).map((text): Edit => ({ op: '+', text })),
  ];
}
