/**
 * Finds where a rule the emitters produced sits in the rendered output, so `explain`
 * can point at `node1/host.rules:12`. The renderer recorded each rule's line as it
 * printed it (src/render/printed-lines.ts); nothing here reads rule text back. explain
 * only ever runs on a tree it has just rendered in memory (`meshc explain` compiles the
 * stack first), so every rule file it is given carries those records.
 */
import type { Hook, OutputFile } from '../model/rules.js';
import { hookCommand } from '../emit/chains.js';
import { printedLines, type PrintedLines } from '../render/printed-lines.js';

export class OutputIndex {
  private readonly files: ReadonlyMap<string, OutputFile>;

  constructor(files: readonly OutputFile[]) {
    this.files = new Map(files.map((f) => [f.path, f]));
  }

  /** 1-based line of the rule whose `args` (the emitter's array, by identity) the renderer printed in `table`/`chain`. */
  ruleLine(path: string, table: string, chain: string, args: readonly string[]): number | undefined {
    for (const t of this.printed(path)?.tables ?? []) {
      const offset = t.table === table ? t.offsets.get(chain)?.get(args) : undefined;
      if (offset !== undefined) return t.firstLine + offset;
    }
    return undefined;
  }

  /** 1-based line of the ipvsadm command for fwmark service `fwmark` (`-A -f F`), or of its real server `ip` (`-a -f F -r ip:port`). */
  ipvsLine(path: string, fwmark: number, realIp?: string): number | undefined {
    return this.printed(path)?.ipvs?.get(realIp === undefined ? String(fwmark) : `${fwmark} ${realIp}`);
  }

  /** 1-based line of the `# hook:` comment for `hook` in a rules file. */
  hookLine(path: string, hook: Hook): number | undefined {
    return this.printed(path)?.hooks?.get(hookCommand(hook));
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
