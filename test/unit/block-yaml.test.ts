/**
 * The fast block reader (src/source/block-yaml.ts) against the yaml library: wherever the
 * fast reader accepts a text, both give the same nodes (kind, range, value, source, type),
 * the same line starts and the same data; everything else it declines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareReaders } from '../support/yaml-readers.js';

function yamlFiles(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

describe('the fast block YAML reader', () => {
  it('reads every fixture it accepts exactly as the yaml library does', () => {
    const files = [...yamlFiles('fixtures'), ...yamlFiles('test')];
    let accepted = 0;
    const wrong: string[] = [];
    for (const f of files) {
      const r = compareReaders(readFileSync(f, 'utf8'));
      if (!r.accepted) continue;
      accepted++;
      if (r.differences.length) wrong.push(`${f}: ${r.differences.slice(0, 3).join(' | ')}`);
    }
    console.log(`block-yaml: ${accepted} of ${files.length} fixture files in the subset`);
    expect(wrong).toEqual([]);
    expect(accepted).toBeGreaterThan(files.length / 3);
  });
});

// ---- random block YAML: tricky scalars, comments, blank lines, indents, flow collections
const PLAINS = ['1', '-1', '+2', '0x1F', '017', '08', '1_000', '0b11', '0o17', '1.5', '1.', '.5', '1e3', '-1.2E-3', '.inf', '-.Inf', '.nan', '.NaN',
  'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'null', 'Null', '~', 'a', 'a b', 'a  b', 'nginx:1.27', '80:80', '8080:80/udp', 'a:b', 'a #b', 'a#b',
  '--x', '-x', ':x', '?x', 'x?', 'x-', 'ü', '日本', 'a,b', 'a]b', 'a}b', 'a[b', 'x: y', 'x:', '-', '?', ':', '@x', '`x', '%x', '&a', '*a', '!t', '|', '>',
  '<<', '__proto__', 'a\'b', 'a"b', '=', '/a/b', '${VAR}', '$$x', 'a=b c'];
const QUOTED = ["'q'", "'it''s'", "''", "'a: b'", "'#x'", '"q"', '""', '"a#b"', '"a: b"', "\"a'b\"", '"x', "'x", "'a'b'", '"\\n"'];
const BENIGN = ['web', 'db', 'x1', 'a b', 'nginx:1.27', '80', '8080:80', '1.5', 'true', 'null', 'on', '-x', 'a:b', "'q'", '"q"', 'ü'];
const scalarText = fc.oneof({ arbitrary: fc.constantFrom(...BENIGN), weight: 12 }, fc.constantFrom(...PLAINS), fc.constantFrom(...QUOTED),
  fc.array(fc.constantFrom('a', '1', '-', ':', ' ', '#', '.', '_', '"', "'", ',', '[', ']', '{', '}', '&', '?', '0'), { minLength: 1, maxLength: 5 }).map((cs) => cs.join('')));
const comment = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, fc.constantFrom(' # c', '  #x', '#y', ' #'));
type Tree = { k: 'scalar'; s: string } | { k: 'empty' } | { k: 'flow'; map: boolean; items: string[]; trailing: boolean } | { k: 'map'; entries: [string, Tree][] } | { k: 'seq'; items: Tree[] };
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ k: fc.constant('scalar' as const), s: scalarText }),
    fc.constant({ k: 'empty' as const }),
    fc.record({ k: fc.constant('flow' as const), map: fc.boolean(), items: fc.array(scalarText, { maxLength: 3 }), trailing: fc.boolean() }),
    fc.record({ k: fc.constant('map' as const), entries: fc.array(fc.tuple(scalarText, tie('t')), { minLength: 1, maxLength: 4 }) }),
    fc.record({ k: fc.constant('seq' as const), items: fc.array(tie('t'), { minLength: 1, maxLength: 3 }) }),
  ),
})).t;
const style = fc.record({ step: fc.constantFrom(1, 2, 3, 4), seqInline: fc.boolean(), blank: fc.boolean(), comments: fc.array(comment, { minLength: 8, maxLength: 8 }), trailingSpace: fc.boolean(), finalNewline: fc.boolean() });

function print(root: Tree, st: { step: number; seqInline: boolean; blank: boolean; comments: string[]; trailingSpace: boolean; finalNewline: boolean }): string {
  const lines: string[] = [];
  let n = 0;
  const c = () => st.comments[n++ % st.comments.length] ?? '';
  const inline = (t: Tree): string | undefined => {
    if (t.k === 'scalar') return t.s;
    if (t.k === 'empty') return '';
    if (t.k === 'flow') return t.map ? `{${t.items.map((x, i) => `${x}: ${i}`).join(', ')}${t.trailing && t.items.length ? ',' : ''}}` : `[${t.items.join(', ')}${t.trailing && t.items.length ? ',' : ''}]`;
    return undefined;
  };
  const block = (t: Tree, indent: number, prefix: string): void => {
    const pad = ' '.repeat(indent);
    if (t.k === 'map') {
      t.entries.forEach(([key, v], i) => {
        const lead = i === 0 ? prefix : pad;
        const one = inline(v);
        if (one !== undefined) lines.push(`${lead}${key}:${one === '' ? '' : ' '}${one}${c()}${st.trailingSpace ? ' ' : ''}`);
        else {
          lines.push(`${lead}${key}:${c()}`);
          if (st.blank) lines.push('');
          const inner = v.k === 'seq' && st.seqInline ? indent : indent + st.step;
          block(v, inner, ' '.repeat(inner));
        }
      });
    } else if (t.k === 'seq') {
      t.items.forEach((v, i) => {
        const lead = `${i === 0 ? prefix : pad}-`;
        const one = inline(v);
        if (one !== undefined) lines.push(`${lead}${one === '' ? '' : ' '}${one}${c()}`);
        else if (v.k === 'map' && st.seqInline) block(v, indent + 2, `${lead} `);
        else {
          lines.push(`${lead}${c()}`);
          block(v, indent + st.step, ' '.repeat(indent + st.step));
        }
      });
    } else {
      lines.push(`${prefix}${inline(t)}${c()}`);
    }
  };
  block(root, 0, '');
  return lines.join('\n') + (st.finalNewline ? '\n' : '');
}

describe('the fast block YAML reader on random block YAML', () => {
  it('accepts only what it reads exactly as the yaml library does', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.record({ entries: fc.array(fc.tuple(scalarText, tree), { minLength: 1, maxLength: 4 }) }), style, (top, st) => {
        const text = print({ k: 'map', entries: top.entries }, st);
        const r = compareReaders(text);
        runs++;
        if (!r.accepted) return;
        accepted++;
        expect(r.differences, text).toEqual([]);
      }),
      { numRuns: Number(process.env.BLOCK_YAML_RUNS ?? 4000) },
    );
    console.log(`block-yaml: ${accepted} of ${runs} random documents in the subset`);
    expect(accepted).toBeGreaterThan(runs / 10);
  }, 300_000);
});

describe('the fast block YAML reader declines', () => {
  const DECLINED: Record<string, string> = {
    anchor: 'a: &x 1\nb: *x\n',
    tag: 'a: !!str 1\n',
    'merge key': 'a: {x: 1}\nb:\n  <<: {x: 2}\n',
    'block scalar': 'a: |\n  text\n',
    'multi-line plain scalar': 'a: one\n  two\n',
    'multi-line quoted scalar': 'a: "one\n  two"\n',
    escape: 'a: "\\n"\n',
    tab: 'a:\t1\n',
    CR: 'a: 1\r\n',
    'byte order mark': '\ufeffa: 1\n',
    'control character': 'a: b\u0001\n',
    'duplicate key': 'a: 1\na: 2\n',
    'non-string key': '1: a\n',
    'null key': '~: a\n',
    '__proto__ key': '__proto__: a\n',
    'document marker': '---\na: 1\n',
    directive: '%YAML 1.2\n---\na: 1\n',
    'nested flow': 'a: [[1]]\n',
    'flow over lines': 'a: [1,\n  2]\n',
    'compact mapping in a value': 'a: b: c\n',
    'empty sequence item': 'a:\n  -\n',
    'empty value before a comment line': 'a:\n  b:\n  # c\n',
    'root scalar': 'a\n',
    'key too long': `${'k'.repeat(1100)}: 1\n`,
    empty: '',
    'comments only': '# nothing\n',
  };
  for (const [what, text] of Object.entries(DECLINED)) {
    it(what, () => expect(compareReaders(text).accepted).toBe(false));
  }
  it('and accepts the plain block YAML around them', () => {
    const r = compareReaders('a:\n  b: [1, "2"]\n  c: {x: y}\n  d:\n  - e: 1\n    f: nginx:1.27 # comment\n');
    expect(r).toEqual({ accepted: true, differences: [] });
  });
});
