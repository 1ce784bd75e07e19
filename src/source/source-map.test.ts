import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { parseYaml } from './parse-yaml.js';
import { createSourceMap } from './source-map.js';

const TEXT = [
  'x-base: &base', //               1
  '  image: nginx', //              2
  '  ports: ["80:80"]', //          3
  'services:', //                   4
  '  web:', //                      5
  '    <<: *base', //               6
  '    environment:', //            7
  '      - A=1', //                 8
  '      - B=2', //                 9
  '  db:', //                       10
  '    image: postgres', //         11
  '',
].join('\n');

function map(text = TEXT) {
  const parsed = parseYaml(text, 'stack.yml', new DiagnosticSink());
  if (!parsed) throw new Error('fixture does not parse');
  return createSourceMap(parsed, 'stack.yml');
}
const at = (loc: { line: number; col: number }) => `${loc.line}:${loc.col}`;

describe('createSourceMap', () => {
  it.each<[JsonPath, string]>([
    [['services', 'db', 'image'], '11:12'],
    [['services', 'web', 'environment', 1], '9:9'],
    [['services', 'web'], '6:5'],
  ])('locates the value at %j', (path, pos) => expect(at(map().locate(path))).toBe(pos));

  it('locates keys', () => {
    expect(at(map().locateKey(['services', 'db', 'image']))).toBe('11:5');
    expect(at(map().locateKey(['services', 'web', 'environment']))).toBe('7:5');
  });

  it('finds merged values where the anchor wrote them', () => {
    expect(at(map().locate(['services', 'web', 'ports', 0]))).toBe('3:11');
    expect(at(map().locateKey(['services', 'web', 'image']))).toBe('2:3');
  });

  it('falls back to the nearest ancestor for a missing path', () => {
    expect(at(map().locate(['services', 'db', 'deploy', 'replicas']))).toBe('11:5');
    expect(at(map().locateKey(['services', 'nope']))).toBe('5:3');
  });

  it('gives end positions for ranges', () => {
    expect(map().locate(['services', 'db', 'image'])).toEqual({ file: 'stack.yml', line: 11, col: 12, endLine: 11, endCol: 20 });
  });

  it('counts CRLF lines and multi-byte characters as editors do', () => {
    const m = map('a: "é☕"\r\nb: 1\r\n');
    expect(at(m.locate(['b']))).toBe('2:4');
  });

  it('answers 1:1 for an empty document', () => {
    const parsed = parseYaml('', 'e.yml', new DiagnosticSink());
    const m = createSourceMap(parsed!, 'e.yml');
    expect(m.locate(['services'])).toEqual({ file: 'e.yml', line: 1, col: 1 });
  });
});
