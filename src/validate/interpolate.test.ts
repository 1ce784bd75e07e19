import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { parseYaml } from '../source/parse-yaml.js';
import { createSourceMap } from '../source/source-map.js';
import { castFor, toBoolean, toFloat, toInt } from './casts.js';
import { interpolateConfig } from './interpolate.js';

function run(text: string, env: Record<string, string>) {
  const sink = new DiagnosticSink();
  const parsed = parseYaml(text, 'stack.yml', sink);
  if (!parsed) throw new Error('fixture does not parse');
  const map = createSourceMap(parsed, 'stack.yml');
  const result = interpolateConfig(parsed.data as Record<string, unknown>, env, map, sink);
  return { ...result, diags: sink.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code}: ${d.message}`) };
}

describe('interpolateConfig', () => {
  it('substitutes values at every depth, never keys', () => {
    const r = run('services:\n  ${S}:\n    image: ${IMG}\n    command: [echo, $MSG]\n', { S: 'x', IMG: 'nginx', MSG: 'hi' });
    expect(r.data).toEqual({ services: { '${S}': { image: 'nginx', command: ['echo', 'hi'] } } });
    expect(r.diags).toEqual([]);
  });
  it('casts changed strings at typed paths (ports, replicas, booleans)', () => {
    const text = 'services:\n  web:\n    deploy: {replicas: "${N}"}\n    read_only: $RO\n    ports:\n      - {target: "${T}", published: $P}\n';
    const r = run(text, { N: '3', RO: 'yes', T: '80', P: '8080' });
    expect(r.data).toEqual({ services: { web: { deploy: { replicas: 3 }, read_only: true, ports: [{ target: 80, published: 8080 }] } } });
  });
  it('does not cast a string that no substitution changed', () => {
    const r = run('services:\n  web:\n    ports:\n      - {target: 80, published: "8080"}\n', {});
    expect(r.data).toEqual({ services: { web: { ports: [{ target: 80, published: '8080' }] } } });
  });
  it('does not cast paths outside the mapping', () => {
    expect(run('services:\n  web:\n    image: "${N}"\n', { N: '3' }).data).toEqual({ services: { web: { image: '3' } } });
  });
  it('reports a failed cast with docker\'s text, at the value', () => {
    const r = run('services:\n  web:\n    ports:\n      - published: "${A}"\n        target: 1\n', { A: 'a' });
    expect(r.diags).toEqual([
      '4:20 INTERPOLATION_CAST_FAILED: error while interpolating services.web.ports.[].published: failed to cast to expected type: strconv.Atoi: parsing "a": invalid syntax',
    ]);
    expect(r.failed).toEqual([['services', 'web', 'ports', 0, 'published']]);
  });
  it('reports every bad value of the file, each at its place', () => {
    const r = run('services:\n  web:\n    image: "a$ b"\n    user: ${U:?set the user}\n', {});
    expect(r.diags).toEqual([
      '3:12 INTERPOLATION_INVALID: invalid interpolation format for services.web.image: "a$ b"; you may need to escape any $ with another $',
      '4:11 INTERPOLATION_REQUIRED_VARIABLE: invalid interpolation format for services.web.user: "required variable U is missing a value: set the user"; you may need to escape any $ with another $',
    ]);
  });
  it('keeps the original text of a failed value', () => {
    expect(run('a: ${U?x}\n', {}).data).toEqual({ a: '${U?x}' });
  });
  it('reads the given environment only', () => {
    expect(run('a: ${HOME}\n', {}).data).toEqual({ a: '' });
  });
});

describe('casts', () => {
  it('toInt is strconv.Atoi', () => {
    expect(toInt('+42')).toEqual({ ok: true, value: 42 });
    expect(toInt('4.2')).toEqual({ ok: false, error: 'strconv.Atoi: parsing "4.2": invalid syntax' });
    expect(toInt('99999999999999999999')).toEqual({ ok: false, error: 'strconv.Atoi: parsing "99999999999999999999": value out of range' });
  });
  it('toFloat is strconv.ParseFloat', () => {
    expect(toFloat('0.5')).toEqual({ ok: true, value: 0.5 });
    expect(toFloat('1e-2')).toEqual({ ok: true, value: 0.01 });
    expect(toFloat('half')).toEqual({ ok: false, error: 'strconv.ParseFloat: parsing "half": invalid syntax' });
  });
  it('toBoolean accepts the YAML 1.1 words in any case', () => {
    expect(['y', 'YES', 'True', 'on'].map((s) => toBoolean(s))).toEqual(Array(4).fill({ ok: true, value: true }));
    expect(['n', 'No', 'FALSE', 'off'].map((s) => toBoolean(s))).toEqual(Array(4).fill({ ok: true, value: false }));
    expect(toBoolean('1')).toEqual({ ok: false, error: 'invalid boolean: 1' });
  });
  it('matches docker path patterns', () => {
    expect(castFor('services.web.ulimits.nofile')).toBe(toInt);
    expect(castFor('services.web.ulimits.nofile.soft')).toBe(toInt);
    expect(castFor('networks.front.external')).toBe(toBoolean);
    expect(castFor('services.web.deploy.update_config.max_failure_ratio')).toBe(toFloat);
    expect(castFor('services.web.image')).toBeUndefined();
    expect(castFor('services.web.ports.[].published.extra')).toBeUndefined();
  });
});
