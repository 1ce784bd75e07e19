import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { substitute, type TemplateError } from './template.js';

// Every row was checked against `docker stack config` (docker CLI 28.2.2) with A=a, E= (empty), U unset.
const ENV: Record<string, string> = { A: 'a', E: '' };
const lookup = (name: string) => ENV[name];

describe('substitute: values', () => {
  it.each([
    ['$A', 'a'],
    ['${A}', 'a'],
    ['${U:-d}', 'd'],
    ['${E:-d}', 'd'],
    ['${U-d}', 'd'],
    ['${E-d}', ''],
    ['${E?boom}', ''],
    ['$$A', '$A'],
    ['$${A}', '${A}'],
    ['$$$A', '$a'],
    ['x${A}y${U-}z', 'xayz'],
    ['${a}', ''], // names are case-sensitive in the lookup
    ['$A_B', ''],
    ['no dollar', 'no dollar'],
  ])('%s → %j', (template, value) => expect(substitute(template, lookup)).toEqual({ value }));
});

describe('substitute: docker quirks, kept on purpose', () => {
  it('an unbraced name takes a default suffix up to the end of the string', () => {
    expect(substitute('$A-bar baz', lookup)).toEqual({ value: 'a' });
    expect(substitute('$U-bar baz', lookup)).toEqual({ value: 'bar baz' });
  });
  it('`${V:?a-b}` is a hard default, never an error', () => {
    expect(substitute('${U:?some-msg}', lookup)).toEqual({ value: 'msg' });
  });
  it('a default cannot nest: it ends at the first }', () => {
    expect(substitute('${A:-${U}}', lookup)).toEqual({ value: 'a}' });
    expect(substitute('${U:-a}b}', lookup)).toEqual({ value: 'ab}' });
  });
  it('an error is forgotten when a later variable substitutes cleanly', () => {
    expect(substitute('${U:?y} $A', lookup)).toEqual({ value: ' a' });
    expect(substitute('${A:?x} ${U:?y}', lookup).error).toEqual({ kind: 'required', name: 'U', message: 'y' });
  });
});

describe('substitute: errors', () => {
  it.each<[string, TemplateError]>([
    ['${U:?boom}', { kind: 'required', name: 'U', message: 'boom' }],
    ['${E:?boom}', { kind: 'required', name: 'E', message: 'boom' }],
    ['${U?boom}', { kind: 'required', name: 'U', message: 'boom' }],
    ['${', { kind: 'invalid' }],
    ['$1', { kind: 'invalid' }],
    ['${ A}', { kind: 'invalid' }],
    ['${}', { kind: 'invalid' }],
    ['a$ b', { kind: 'invalid' }],
    ['$', { kind: 'invalid' }],
  ])('%s', (template, error) => expect(substitute(template, lookup).error).toEqual(error));
});

describe('substitute: properties', () => {
  it('leaves a string without $ alone', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => substitute(s, lookup).value === s && !substitute(s, lookup).error));
  });
  it('every $ doubled reads back as the original text (the documented escape)', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const r = substitute(s.replace(/\$/g, '$$$$'), lookup);
      return r.value === s && r.error === undefined;
    }));
  });
});
