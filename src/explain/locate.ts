/**
 * Finds where a rule the emitters produced sits in the rendered output, so `explain`
 * can point at `node1/host.rules:12`. Matching is on tokens, not text: the renderer is
 * free to place the comment match anywhere in the line and to quote it as it likes.
 */
import type { OutputFile } from '../model/rules.js';
import { readIpvsadm } from '../rules-format/ipvsadm.js';
import { readRestore } from '../rules-format/restore.js';

interface RuleLine {
  readonly table: string;
  /** `-A <chain> <args>`, values as iptables receives them, comment match left out. */
  readonly tokens: readonly string[];
  readonly line: number;
}

/** Looks rules up in the rendered files, parsing each file once per explain call. */
export class OutputIndex {
  private readonly texts: ReadonlyMap<string, string>;
  private readonly parsed = new Map<string, readonly RuleLine[]>();

  constructor(files: readonly OutputFile[]) {
    this.texts = new Map(files.map((f) => [f.path, f.content]));
  }

  has(path: string): boolean {
    return this.texts.has(path);
  }

  /** 1-based line of `-A <chain> <args>` inside `*<table>` of an iptables-restore file. */
  ruleLine(path: string, table: string, chain: string, args: readonly string[]): number | undefined {
    const lines = this.restoreLines(path).filter((l) => l.table === table && l.tokens[0] === '-A' && l.tokens[1] === chain);
    const want = ['-A', chain, ...args];
    const exact = lines.find((l) => l.tokens.length === want.length && l.tokens.every((t, i) => t === want[i]));
    return (exact ?? lines.find((l) => isSubsequence(want, l.tokens)))?.line;
  }

  /** 1-based line of the ipvsadm command for fwmark service `fwmark` (`-A -f F`), or of its real server `ip` (`-a -f F -r ip:port`). */
  ipvsLine(path: string, fwmark: number, realIp?: string): number | undefined {
    const found = readIpvsadm(this.texts.get(path) ?? '').find((l) => {
      if (l.fwmark !== fwmark) return false;
      return realIp === undefined ? l.kind === 'service' : l.kind === 'server' && l.real.split(':')[0] === realIp;
    });
    return found?.line;
  }

  /** First line of `path` holding every one of `words` as whole tokens (hooks live in apply.sh, in whatever form the runner chose). */
  lineWithWords(path: string, words: readonly string[]): number | undefined {
    const lines = (this.texts.get(path) ?? '').split('\n');
    const index = lines.findIndex((text) => {
      const tokens = new Set(text.split(/[\s"'()=]+/));
      return words.every((w) => tokens.has(w));
    });
    return index < 0 ? undefined : index + 1;
  }

  private restoreLines(path: string): readonly RuleLine[] {
    let lines = this.parsed.get(path);
    if (!lines) {
      lines = parseRestore(this.texts.get(path) ?? '');
      this.parsed.set(path, lines);
    }
    return lines;
  }
}

function parseRestore(text: string): RuleLine[] {
  return readRestore(text)
    .filter((l) => l.kind === 'rule')
    .map((l) => ({ table: l.table, tokens: withoutComment([l.command, l.chain, ...l.values]), line: l.line }));
}

function withoutComment(tokens: readonly string[]): string[] {
  const out = [...tokens];
  for (let i = out.indexOf('comment'); i > 0 && out[i - 1] === '-m'; i = out.indexOf('comment')) {
    const drop = out[i + 1] === '--comment' ? 4 : 2;
    out.splice(i - 1, drop);
  }
  return out;
}

function isSubsequence(want: readonly string[], tokens: readonly string[]): boolean {
  let at = 0;
  for (const t of tokens) if (t === want[at]) at++;
  return at === want.length;
}
