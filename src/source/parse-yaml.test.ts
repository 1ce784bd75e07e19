import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { parseGoInt } from './go-yaml-int.js';
import { parseYaml } from './parse-yaml.js';

function parse(text: string) {
  const sink = new DiagnosticSink();
  const parsed = parseYaml(text, 'stack.yml', sink);
  return { data: parsed?.data, ok: parsed !== undefined, diags: sink.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code}: ${d.message}`) };
}

describe('parseYaml: scalars as go-yaml v3 reads them', () => {
  it('keeps 8080:80 a string (no YAML 1.1 base 60)', () => {
    expect(parse('ports: [8080:80, 1:30]\n').data).toEqual({ ports: ['8080:80', '1:30'] });
  });
  it('reads yes/no/on/off as strings and true/false as booleans', () => {
    expect(parse('a: yes\nb: off\nc: true\nd: False\n').data).toEqual({ a: 'yes', b: 'off', c: true, d: false });
  });
  it("reads Go's integer forms (checked against docker stack config 28.2)", () => {
    const r = parse('A: 0o17\nB: 0x10\nC: 1_000\nG: 0b11\nH: 017\nI: +5\nJ: 1.0\nK: "017"\n');
    expect(r.data).toEqual({ A: 15, B: 16, C: 1000, G: 3, H: 15, I: 5, J: 1, K: '017' });
  });
  it.each([['08', 8], ['-0x10', -16], ['0', 0], ['-017', -15]])('parseGoInt(%s) = %d', (s, n) => expect(parseGoInt(s)).toBe(n));
  it('reads null forms', () => {
    expect(parse('a: ~\nb: null\nc:\n').data).toEqual({ a: null, b: null, c: null });
  });
});

describe('parseYaml: structure', () => {
  it('expands anchors and merge keys, explicit keys winning', () => {
    const text = 'x-base: &base {image: nginx, ports: ["80"]}\nservices:\n  web:\n    <<: *base\n    image: caddy\n';
    expect(parse(text).data).toEqual({
      'x-base': { image: 'nginx', ports: ['80'] },
      services: { web: { image: 'caddy', ports: ['80'] } },
    });
  });
  it('merges a list of maps, first one winning', () => {
    const text = 'a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n';
    expect(parse(text).data).toMatchObject({ c: { x: 1, y: 2 } });
  });
  it('reads only the first document, as go-yaml Unmarshal does', () => {
    expect(parse('a: 1\n---\nb: [\n').data).toEqual({ a: 1 });
  });
  it('returns no data for an empty or comment-only file', () => {
    expect(parse('')).toEqual({ data: undefined, ok: true, diags: [] });
    expect(parse('# nothing\n')).toEqual({ data: undefined, ok: true, diags: [] });
  });
  it('handles CRLF line ends and reports positions in them', () => {
    expect(parse('a: 1\r\nb: [\r\n').diags[0]).toMatch(/^\d+:\d+ YAML_SYNTAX: /);
    expect(parse('a: 1\r\nb: 2\r\n').data).toEqual({ a: 1, b: 2 });
  });
});

describe('parseYaml: errors', () => {
  it('reports a duplicate key at the second one, naming the first line (go-yaml wording)', () => {
    const r = parse('services:\n  web:\n    image: x\n    image: y\n');
    expect(r.ok).toBe(false);
    expect(r.diags).toEqual(['4:5 DUPLICATE_KEY: mapping key "image" already defined at line 3']);
  });
  it('treats a repeated merge key as a duplicate too', () => {
    expect(parse('a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n').diags).toEqual(['4:3 DUPLICATE_KEY: mapping key "<<" already defined at line 3']);
  });
  it('reports every duplicate, not just the first', () => {
    expect(parse('a: 1\na: 2\nb: {c: 1, c: 2}\n').diags).toHaveLength(2);
  });
  it('reports non-string keys with their place', () => {
    expect(parse('services:\n  web:\n    labels: {1: a}\n').diags).toEqual(['3:14 NON_STRING_KEY: non-string key in services.web.labels: 1']);
    expect(parse('1: x\n').diags).toEqual(['1:1 NON_STRING_KEY: non-string key at top level: 1']);
  });
  it('reports a syntax error at its position, without a stack trace', () => {
    const r = parse('services:\n  web: {image: x\n');
    expect(r.ok).toBe(false);
    expect(r.diags[0]).toMatch(/^\d+:\d+ YAML_SYNTAX: yaml: /);
  });
  it('reports absurd nesting as a syntax error, not a crash', () => {
    const r = parse(`a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`);
    expect(r.ok).toBe(false);
    expect(r.diags[0]).toMatch(/YAML_SYNTAX/);
  });
  it('refuses a merge of something that is not a map (go-yaml wording)', () => {
    expect(parse('a: &s [1]\nb:\n  <<: *s\nc:\n  <<:\n').diags).toEqual([
      '3:7 YAML_SYNTAX: yaml: map merge requires map or sequence of maps as the value',
      '5:6 YAML_SYNTAX: yaml: map merge requires map or sequence of maps as the value',
    ]);
  });
  it('reports an unknown anchor', () => {
    expect(parse('a: *nope\n').diags.join()).toMatch(/YAML_SYNTAX: yaml: .*nope/);
  });
  it('stops a billion-laughs alias bomb fast, pointing at the biggest alias', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    // 10^10 nodes if expanded: without the budget this test would never finish (vitest's timeout fails it).
    const r = parse(`${levels.join('\n')}\n`);
    expect(r.ok).toBe(false);
    expect(r.diags).toHaveLength(1);
    expect(r.diags[0]).toMatch(/^10:8 YAML_ALIAS_LIMIT: yaml: document contains excessive aliasing \(aliases would make \d+ of its \d+ nodes/);
  });
  it('accepts a large stack where every service merges the same anchor (yaml\'s own alias count would not)', () => {
    let text = 'x-d: &d {image: nginx, deploy: {replicas: 2}, environment: {A: "1"}}\nservices:\n';
    for (let i = 0; i < 500; i++) text += `  s${i}:\n    <<: *d\n`;
    const r = parse(text);
    expect(r.diags).toEqual([]);
    expect((r.data as { services: Record<string, unknown> }).services.s499).toEqual({ image: 'nginx', deploy: { replicas: 2 }, environment: { A: '1' } });
  });
});
