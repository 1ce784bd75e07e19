// The emitter's quoting and layout; expected strings are what `docker stack config`
// (go-yaml v3, SetIndent(2)) printed for the same values.
import { describe, expect, it } from 'vitest';
import { emitYaml, scalar, yamlMap } from './go-yaml-emit.js';

describe('scalar quoting like go-yaml v3', () => {
  it.each([
    ['nginx', 'nginx'],
    ['y', '"y"'],
    ['N', '"N"'],
    ['on', '"on"'],
    ['true', '"true"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['', '""'],
    ['3000', '"3000"'],
    ['0.001', '"0.001"'],
    ['1:20', '"1:20"'],
    ['3.13', '"3.13"'],
    ['1.2.3', '1.2.3'],
    ['-p', '-p'],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    ['*x', "'*x'"],
    [' padded ', "' padded '"],
    ["it's", "it's"],
    ['echo "a b" && exit 0', 'echo "a b" && exit 0'],
    ['2001:3984:3989::/64', '2001:3984:3989::/64'],
    ['tcp://192.168.0.42:123', 'tcp://192.168.0.42:123'],
    ['e5', 'e5'],
  ])('%j → %s', (value, printed) => {
    expect(scalar(value)).toBe(printed);
  });

  it('prints numbers, booleans and null plain', () => {
    expect([scalar(65535), scalar(0.3), scalar(true), scalar(null)]).toEqual(['65535', '0.3', 'true', 'null']);
  });
});

describe('layout', () => {
  it('indents sequences under their key and nests mappings in list items', () => {
    const doc = yamlMap([
      ['services', yamlMap([['web', yamlMap([['ports', [yamlMap([['mode', 'ingress'], ['target', 80]])]], ['dns', ['8.8.8.8']]])]])],
      ['networks', yamlMap([['n1', yamlMap([])]])],
      ['x-list', [[1, 2], []]],
    ]);
    expect(emitYaml(doc)).toBe(
      [
        'services:',
        '  web:',
        '    ports:',
        '      - mode: ingress',
        '        target: 80',
        '    dns:',
        '      - 8.8.8.8',
        'networks:',
        '  n1: {}',
        'x-list:',
        '  - - 1',
        '    - 2',
        '  - []',
        '',
      ].join('\n'),
    );
  });
});
