/**
 * The fast reader's copy of the yaml library's scalar tags (src/source/plain-scalars.ts) and
 * line counter (src/source/line-counter.ts) against the installed library: the same tags in
 * the same order, and the same value and position answers, on hand-picked edge cases and on
 * generated ones. A library upgrade that changes either fails here, not in a user's stack.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScalarTag } from 'yaml';
import { LineCounter } from '../../src/source/line-counter.js';
import { PARSE_OPTIONS } from '../../src/source/parse-yaml.js';
import { MERGE_KEY, PLAIN_TAGS, plainTag } from '../../src/source/plain-scalars.js';
import { yaml } from '../../src/source/yaml-runtime.js';

const Y = yaml();
const doc = new Y.Document(undefined, PARSE_OPTIONS);
/** The tags the library's composer tries for a plain scalar, in its order (compose-scalar.js). */
const libraryTags = doc.schema.tags.filter((t): t is ScalarTag => !('collection' in t && t.collection) && 'test' in t && t.test !== undefined);

/** What the library's composer makes of a plain scalar: its value, or the merge key's marker. */
function libraryValue(source: string, atKey: boolean): unknown {
  const tag = libraryTags.find((t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(source));
  if (!tag) return source;
  const res = tag.resolve(source, () => undefined, doc.options);
  const value = Y.isScalar(res) ? res.value : res;
  return typeof value === 'symbol' ? MERGE_KEY : value;
}

function fastValue(source: string, atKey: boolean): unknown {
  const tag = plainTag(source, atKey);
  return tag ? tag.resolve(source) : source;
}

const EDGE_CASES = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'FALSE', 'yes', 'no', 'on', 'off', 'y',
  '0', '-0', '+0', '017', '08', '09.5', '0x1F', '0X1f', '0o17', '0O17', '0b101', '0B101', '0x', '0b2', '1_000', '_1', '1__0',
  '-1_0', '+12', '3.14', '.5', '-.5', '5.', '1e3', '1E-3', '-1.5e+10', '1e', 'e3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
  '.NAN', '-.nan', 'inf', 'nan', '<<', '< <', '<<<', '8080:80', '10s', '1h30m', '127.0.0.1', '1.2.3', '0.0.0.0:80:80/udp',
  '9223372036854775807', '99999999999999999999', '1e400', '-', '+', '.', '0.', '00', '0_1', '0x_1', '0o_7',
];

describe('plain scalars resolved without the yaml library', () => {
  it('has the library tags, tests and order that PARSE_OPTIONS give', () => {
    const summary = (tags: readonly { tag: string; default?: unknown; test?: RegExp }[]) => tags.map((t) => `${t.tag} ${String(t.default)} ${t.test?.source}`);
    expect(summary(PLAIN_TAGS)).toEqual(summary(libraryTags));
  });

  it('resolves every edge case as the library does, as a key and as a value', () => {
    const wrong = EDGE_CASES.flatMap((s) =>
      [false, true].filter((atKey) => !Object.is(fastValue(s, atKey), libraryValue(s, atKey))).map((atKey) => `${JSON.stringify(s)} at ${atKey ? 'key' : 'value'}`),
    );
    expect(wrong).toEqual([]);
  });

  it('resolves generated scalars as the library does', () => {
    const char = fc.constantFrom(...'0123456789+-._eExXoObBaAfFnNlLtTrRuUsSiI~<:'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }).map((cs) => cs.join('')), fc.boolean(), (s, atKey) => {
        expect(fastValue(s, atKey)).toStrictEqual(libraryValue(s, atKey));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the line counter', () => {
  it('answers every offset as the library line counter does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 20 }), (gaps) => {
        const ours = new LineCounter();
        const theirs = new Y.LineCounter();
        let at = 0;
        for (const g of gaps) {
          ours.addNewLine(at);
          theirs.addNewLine(at);
          at += g + 1;
        }
        for (let offset = 0; offset <= at + 2; offset++) expect(ours.linePos(offset)).toEqual(theirs.linePos(offset));
        expect(ours.lineStarts).toEqual(theirs.lineStarts);
      }),
    );
  });

  it('works unbound, as the library parser calls it', () => {
    const lc = new LineCounter();
    const docs = Y.parseAllDocuments('a: 1\nb:\n  - 2\n', { lineCounter: lc, ...PARSE_OPTIONS });
    expect(Array.isArray(docs) && docs.length).toBe(1);
    expect(lc.lineStarts).toEqual([0, 5, 8, 14]);
    expect(lc.linePos(10)).toEqual({ line: 3, col: 3 });
  });
});
