/**
 * Reads an `.nft` file as meshc writes it (src/render/render-nft.ts, tableBlock): the prologue
 * (`add table` / `delete table`), then one table with its sets, maps and chains. Not a
 * general nft parser: the toolkit (diff, consistency check) reads meshc's own output,
 * and anything else in a file is reported as a problem with its line. Part of the output
 * edge (src/rules-format/) beside the iptables-restore and ipvsadm readers.
 */
/** A line of an `.nft` file that is not what meshc writes (the same shape as the other readers' problems). */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ReadSet {
  readonly kind: 'set' | 'map';
  readonly type: string;
  /** Elements as printed (`tcp . 8080 : goto svc_256`), in file order. */
  readonly elements: string[];
  readonly line: number;
}

export interface ReadRule {
  /** The rule without its comment. */
  readonly text: string;
  readonly line: number;
}

export interface ReadChain {
  /** `type nat hook prerouting priority dstnat; policy accept;` on a base chain, else null. */
  base: string | null;
  readonly rules: ReadRule[];
  readonly line: number;
}

export interface ReadNftFile {
  /** `inet meshc_ingress`, or '' when the file has no table. */
  readonly table: string;
  readonly sets: Map<string, ReadSet>;
  readonly chains: Map<string, ReadChain>;
}

const COMMENT_TAIL = / comment "[^"]*"$/;

export function readNftFile(file: string, text: string, problems: Problem[]): ReadNftFile {
  const out: ReadNftFile = { table: '', sets: new Map(), chains: new Map() };
  const bad = (line: number, message: string): void => void problems.push({ file, line, message });
  let set: ReadSet | null = null;
  let chain: ReadChain | null = null;
  let inElements = false;
  let prologue: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!out.table) {
      const t = /^table (inet|ip) (\w+) \{$/.exec(line);
      if (t) {
        (out as { table: string }).table = `${t[1]} ${t[2]}`;
        const want = [`add table ${out.table}`, `delete table ${out.table}`];
        if (prologue.join('\n') !== want.join('\n')) bad(n, `table ${out.table} is not preceded by "${want.join('" and "')}" (one transaction replacing it whole)`);
      } else if (/^(add|delete) table /.test(line)) prologue.push(line);
      else bad(n, `unexpected line before the table: ${line}`);
      return;
    }
    if (inElements && set) {
      if (line === '}') inElements = false;
      else set.elements.push(line.replace(/,$/, ''));
      return;
    }
    if (set) {
      if (line === '}') set = null;
      else if (line.startsWith('type ')) (set as { type: string }).type = line.slice(5);
      else if (line === 'elements = {') inElements = true;
      else bad(n, `unexpected line in ${set.kind}: ${line}`);
      return;
    }
    if (chain) {
      if (line === '}') chain = null;
      else if (/^comment "[^"]*"$/.test(line)) return;
      else if (/^type \w+ hook \w+ priority /.test(line)) chain.base = line;
      else chain.rules.push({ text: line.replace(COMMENT_TAIL, ''), line: n });
      return;
    }
    const s = /^(set|map) (\w+) \{$/.exec(line);
    const c = /^chain (\w+) \{$/.exec(line);
    if (s) {
      set = { kind: s[1] as 'set' | 'map', type: '', elements: [], line: n };
      if (out.sets.has(s[2]!)) bad(n, `${s[1]} ${s[2]} is declared twice`);
      out.sets.set(s[2]!, set);
    } else if (c) {
      chain = { base: null, rules: [], line: n };
      if (out.chains.has(c[1]!)) bad(n, `chain ${c[1]} is declared twice`);
      out.chains.set(c[1]!, chain);
    } else if (line === '}') {
      prologue = [];
    } else if (!/^comment "[^"]*"$/.test(line)) bad(n, `unexpected line in table ${out.table}: ${line}`);
  });
  if (!out.table) bad(0, 'no table in the file');
  return out;
}

/** A map element's key and value: `tcp . 8080 : goto svc_256` → ['tcp . 8080', 'goto svc_256']. */
export function splitElement(element: string): [string, string] {
  const at = element.lastIndexOf(' : ');
  return at < 0 ? [element, ''] : [element.slice(0, at), element.slice(at + 3)];
}
