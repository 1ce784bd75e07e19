/**
 * The one tokenizer for rule-file lines (iptables-restore and ipvsadm alike), as
 * iptables-restore splits a line (xtables' add_param_to_argv): blanks separate words,
 * a double-quoted string is one word, and inside it a backslash escapes the next
 * character. Each word is kept twice: as written (for reports that quote the file) and
 * as the value the tool receives (quotes removed, escapes resolved).
 */
export interface Words {
  /** The words as written, quotes included. */
  readonly raw: readonly string[];
  /** The words as the tool receives them. */
  readonly values: readonly string[];
}

const WORD = /"((?:[^"\\]|\\.)*)"|(\S+)/g;

export function tokenize(line: string): Words {
  const raw: string[] = [];
  const values: string[] = [];
  for (const m of line.matchAll(WORD)) {
    raw.push(m[0]);
    values.push(m[2] ?? (m[1] ?? '').replace(/\\(.)/g, '$1'));
  }
  return { raw, values };
}

/** The value after `flag` in a list of words. */
export function optionValue(values: readonly string[], flag: string): string | undefined {
  const i = values.indexOf(flag);
  return i < 0 ? undefined : values[i + 1];
}

/** The target of a rule: the word after its last `-j` or `-g`. */
export function targetOf(values: readonly string[]): string | undefined {
  const i = Math.max(values.lastIndexOf('-j'), values.lastIndexOf('-g'));
  return i < 0 ? undefined : values[i + 1];
}
