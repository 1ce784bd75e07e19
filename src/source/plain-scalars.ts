/**
 * How the yaml library resolves a plain (unquoted) scalar under parse-yaml.ts's
 * PARSE_OPTIONS: the YAML 1.2 core schema with go-yaml's integers (go-yaml-int.ts) and merge
 * keys. The fast reader (block-yaml.ts) resolves scalars here so that `meshc validate` of a
 * plain block file never loads the library, whose code is a third of the CLI's and about
 * 10 ms of every start (issue 18).
 *
 * The table copies the library's scalar tags in its order (yaml/dist/schema/core/*.js,
 * schema/common/null.js, schema/yaml-1.1/merge.js). test/unit/plain-scalars.test.ts holds
 * it to the installed library: the same tests in the same order, and the same value for
 * every scalar of a generated corpus, keys and values apart.
 */
import { GO_INT, parseGoInt } from './go-yaml-int.js';

/** What a `<<` key resolves to: not a string, so the fast reader leaves merge keys to the library. */
export const MERGE_KEY: unique symbol = Symbol('<<');

export interface PlainTag {
  readonly tag: string;
  /** `'key'`: tried for mapping keys only (the library's `default: 'key'`). */
  readonly default: true | 'key';
  readonly test: RegExp;
  readonly resolve: (source: string) => unknown;
}

const FLOAT = 'tag:yaml.org,2002:float';

export const PLAIN_TAGS: readonly PlainTag[] = [
  { tag: 'tag:yaml.org,2002:int', default: true, test: GO_INT, resolve: parseGoInt },
  { tag: 'tag:yaml.org,2002:null', default: true, test: /^(?:~|[Nn]ull|NULL)?$/, resolve: () => null },
  { tag: 'tag:yaml.org,2002:bool', default: true, test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, resolve: (s) => s[0] === 't' || s[0] === 'T' },
  {
    tag: FLOAT,
    default: true,
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY),
  },
  { tag: FLOAT, default: true, test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, resolve: parseFloat },
  { tag: FLOAT, default: true, test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, resolve: parseFloat },
  { tag: 'tag:yaml.org,2002:merge', default: 'key', test: /^<<$/, resolve: () => MERGE_KEY },
];

/** The tag a plain scalar written as `source` resolves by, or undefined for a string. */
export function plainTag(source: string, atKey: boolean): PlainTag | undefined {
  return PLAIN_TAGS.find((t) => (t.default === true || atKey) && t.test.test(source));
}
