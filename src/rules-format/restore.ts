/**
 * Reads an iptables-restore file line by line, with each line's table: the one reader of
 * the format for the consistency checker and `diff`. It reports what each
 * line is and leaves judging it to the caller.
 */
import { tokenize } from './tokens.js';

export type RestoreLineKind = 'blank' | 'comment' | 'table' | 'chain' | 'rule' | 'commit' | 'other';

export interface RestoreLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly kind: RestoreLineKind;
  /** The line, trimmed. */
  readonly text: string;
  /** The table the line sits in ('' before the first `*table`); for a `table` line, the table it opens. */
  readonly table: string;
  /** For `chain` lines the chain declared; for `rule` lines the chain after `-A`/`-I`/…; else ''. */
  readonly chain: string;
  /** Words after the command and chain of a rule (`-A <chain> …`), as written. */
  readonly raw: readonly string[];
  /** The same words as iptables receives them. */
  readonly values: readonly string[];
  /** A rule's command (`-A`, `-I`, …); for a chain declaration, its policy word. */
  readonly command: string;
}

export function readRestore(text: string): RestoreLine[] {
  const out: RestoreLine[] = [];
  let table = '';
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    const at = { line: i + 1, text: line, raw: [] as string[], values: [] as string[], command: '', chain: '' };
    if (line === '') out.push({ ...at, kind: 'blank', table });
    else if (line.startsWith('#')) out.push({ ...at, kind: 'comment', table });
    else if (line.startsWith('*')) out.push({ ...at, kind: 'table', table: (table = line.slice(1)) });
    else if (line === 'COMMIT') out.push({ ...at, kind: 'commit', table });
    else if (line.startsWith(':')) {
      const [chain = '', policy = ''] = line.slice(1).split(/\s+/);
      out.push({ ...at, kind: 'chain', table, chain, command: policy });
    } else if (line.startsWith('-')) {
      const words = tokenize(line);
      const [command = '', chain = ''] = words.values;
      out.push({ ...at, kind: 'rule', table, chain, command, raw: words.raw.slice(2), values: words.values.slice(2) });
    } else out.push({ ...at, kind: 'other', table });
  });
  return out;
}
