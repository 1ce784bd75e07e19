/**
 * The only two ways user-derived text reaches a generated file. Everything else a
 * template prints is either a number, an address the planner produced, or a name
 * that passed a strict grammar at validation.
 */

/** A POSIX shell word: single-quoted, with embedded single quotes closed and escaped. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(text) && !text.startsWith('-')) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * An iptables comment argument for iptables-restore input: double-quoted, with every
 * character outside a conservative set replaced by '_', so no quote, backslash, newline
 * or option-like text can break out of the argument. The kernel caps comments at 255 bytes.
 */
export function iptablesComment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9_.:/=@+, -]/g, '_').slice(0, 255);
  return `"${safe}"`;
}

/**
 * The one grammar for names that become file and directory names in the output tree
 * (node and task names): the inventory validator and the renderers both use it, so a
 * name the validator passes can never make the renderer stop (issue 13 item 10: `a..b`).
 */
export function isSafeFileName(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(text) && !text.includes('..');
}

/** The folder of the output tree holding what every node loads alike (docs/runner.md, "The shared folder"). */
export const SHARED_DIR = 'shared';

/** Top-level entries of the output tree besides the per-node directories: no node may be named like one. */
export const OUTPUT_TREE_ENTRIES: readonly string[] = ['plan.json', 'playbook.yml', SHARED_DIR];
