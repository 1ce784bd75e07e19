/**
 * Finds where a rule the emitters produced sits in the rendered output, so `explain`
 * can point at `node1/host.rules:12` (or `shared/host.rules:12` for a line every node loads alike). The renderer recorded each rule's line as it
 * printed it (src/render/printed-lines.ts); nothing here reads rule text back. explain
 * only ever runs on a tree it has just rendered in memory (`meshc explain` compiles the
 * stack first), so every rule file it is given carries those records.
 */
import type { Hook, OutputFile } from '../model/rules.js';
import { hookCommand } from '../emit/chains.js';
import { printedLines, type PrintedLines } from '../render/printed-lines.js';
import { SHARED_DIR } from '../render/quote.js';
import { SHARED_PARTS } from '../render/shared-layout.js';

export class OutputIndex {
  private readonly files: ReadonlyMap<string, OutputFile>;

  constructor(files: readonly OutputFile[]) {
    this.files = new Map(files.map((f) => [f.path, f]));
  }

  /**
   * `file:line` of the rule whose `args` (the emitter's array, by identity) the renderer printed
   * in `table`/`chain` of `path` (`node1/host.rules`): in that file, or in the shared folder's
   * part of it (`shared/host.rules`) when the table is one every node loads alike.
   */
  ruleWhere(path: string, table: string, chain: string, args: readonly string[]): string {
    return this.where(path, (p) => {
      for (const t of p.tables ?? []) {
        const offset = t.table === table ? t.offsets.get(chain)?.get(args) : undefined;
        if (offset !== undefined) return t.firstLine + offset;
      }
      return undefined;
    });
  }

  /** `file:line` of the ipvsadm command for fwmark service `fwmark` (`-A -f F`), or of its real server `ip` (`-a -f F -r ip:port`). */
  ipvsWhere(path: string, fwmark: number, realIp?: string): string {
    return this.where(path, (p) => p.ipvs?.get(realIp === undefined ? String(fwmark) : `${fwmark} ${realIp}`));
  }

  /** `file:line` of the `# hook:` comment for `hook` in a rules file. */
  hookWhere(path: string, hook: Hook): string {
    return this.where(path, (p) => p.hooks?.get(hookCommand(hook)));
  }

  /** `path:line` where `find` finds it, else the shared part's `shared/<file>:line`, else `path:?`. */
  private where(path: string, find: (p: PrintedLines) => number | undefined): string {
    const own = this.printed(path);
    const line = own && find(own);
    if (line !== undefined) return `${path}:${line}`;
    const slash = path.indexOf('/');
    const sharedPath = `${SHARED_DIR}/${path.slice(slash + 1)}`;
    const shared = slash > 0 && SHARED_PARTS.includes(path.slice(slash + 1)) ? this.printed(sharedPath) : undefined;
    const there = shared && find(shared);
    return there !== undefined ? `${sharedPath}:${there}` : `${path}:?`;
  }

  /** First line of `path` holding every one of `words` as whole tokens: for apply.sh, which is shell, not a rule format. */
  lineWithWords(path: string, words: readonly string[]): number | undefined {
    const lines = (this.files.get(path)?.content ?? '').split('\n');
    const index = lines.findIndex((text) => {
      const tokens = new Set(text.split(/[\s"'()=]+/));
      return words.every((w) => tokens.has(w));
    });
    return index < 0 ? undefined : index + 1;
  }

  private printed(path: string): PrintedLines | undefined {
    const file = this.files.get(path);
    return file && printedLines(file);
  }
}
