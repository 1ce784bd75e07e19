// Multi-file merge: docker/cli merge.go semantics (checked against `docker stack config -c a -c b`,
// docker 28.2.2) and positions that point into the file that supplied each value.
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { mergeDocuments } from './merge.js';
import { composeDocFromYaml } from './testing/compose-doc.js';

function merge(...texts: string[]): { doc: ReturnType<typeof mergeDocuments>; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  const docs = texts.map((t, i) => composeDocFromYaml(t, `f${i}.yml`));
  return { doc: mergeDocuments(docs, sink), sink };
}
const svc = (doc: ReturnType<typeof mergeDocuments>, name = 'web'): Record<string, unknown> =>
  (doc?.data.services as Record<string, Record<string, unknown>>)[name]!;

describe('mergeDocuments', () => {
  it('returns a single document unchanged', () => {
    const one = composeDocFromYaml('services: {}\n');
    expect(mergeDocuments([one], new DiagnosticSink())).toBe(one);
  });

  it('rejects files of different versions with docker’s message at the second file’s version', () => {
    const { doc, sink } = merge('version: "3.8"\nservices: {}\n', 'services: {}\n');
    expect(doc).toBeUndefined();
    expect(sink.items.map((d) => [d.code, d.message, d.loc?.file])).toEqual([
      ['VERSION_MISMATCH', 'version mismatched between two composefiles : 3.8 and 3.13', 'f1.yml'],
    ]);
  });

  it('merges ports by published port, sorted, collapsing the base even when the override has none', () => {
    const { doc, sink } = merge(
      'services:\n  web:\n    image: x\n    ports: ["80", "81", "9000:90", "8000:80"]\n',
      'services:\n  web:\n    image: y\n',
    );
    expect(svc(doc).ports).toEqual([
      { mode: 'ingress', target: 81, published: 0, protocol: 'tcp' },
      { mode: 'ingress', target: 80, published: 8000, protocol: 'tcp' },
      { mode: 'ingress', target: 90, published: 9000, protocol: 'tcp' },
    ]);
    expect(sink.items.map((d) => [d.code, d.severity, d.loc?.line, d.loc?.col])).toEqual([['PORT_MERGED_AWAY', 'warning', 4, 13]]);
    expect(svc(doc).image).toBe('y');
  });

  it('lets an override replace a port with the same published port; position from the override', () => {
    const { doc, sink } = merge('services:\n  web:\n    image: x\n    ports: ["8001:80", "8002:80"]\n', 'services:\n  web:\n    ports:\n      - "8001:90"\n');
    expect(sink.items, 'an override replacing a port is intended: no warning').toEqual([]);
    expect(svc(doc).ports).toEqual([
      { mode: 'ingress', target: 90, published: 8001, protocol: 'tcp' },
      { mode: 'ingress', target: 80, published: 8002, protocol: 'tcp' },
    ]);
    expect(doc?.locate(['services', 'web', 'ports', 0, 'published'])).toEqual({ file: 'f1.yml', line: 4, col: 9 });
    expect(doc?.locate(['services', 'web', 'ports', 1])).toEqual({ file: 'f0.yml', line: 4, col: 24 });
    expect(doc?.locate(['services', 'web', 'image'])).toEqual({ file: 'f0.yml', line: 3, col: 12 });
  });

  it('keys secrets and configs by source and volumes by target, sorted', () => {
    // A one-letter source is a Windows drive to docker (volumespec Parse): "d:/z" is the
    // anonymous volume at target "d:/z", so it replaces nothing (checked with docker 28.2.2).
    const { doc } = merge(
      'services:\n  web:\n    image: x\n    secrets: [b, {source: a, target: t1}]\n    volumes: ["dd:/z", "/hh:/x", "d:/z"]\n',
      'services:\n  web:\n    secrets: [{source: a, target: t2}]\n    volumes: ["ee:/x"]\n',
    );
    expect(svc(doc).secrets).toEqual([{ source: 'a', target: 't2' }, 'b']);
    expect(svc(doc).volumes).toEqual(['ee:/x', 'dd:/z', 'd:/z']);
  });

  it('replaces command, appends other lists, merges mappings, keeps base on empty overrides', () => {
    const { doc } = merge(
      'services:\n  web:\n    image: x\n    command: [a, b]\n    dns: [1.1.1.1]\n    environment: [A=1, B]\n    init: true\n    deploy: {replicas: 3, placement: {constraints: [node.role==manager]}}\n    healthcheck: {test: [CMD, "true"]}\n',
      'services:\n  web:\n    command: [c]\n    dns: [8.8.8.8]\n    environment: {B: 2, C: "3"}\n    init: false\n    deploy: {replicas: 0, placement: {constraints: [node.labels.x==y]}}\n    healthcheck: {test: [CMD, "false"]}\n',
    );
    const web = svc(doc);
    expect(web.command).toEqual(['c']);
    expect(web.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(web.environment).toEqual({ A: '1', B: '2', C: '3' });
    expect(web.init).toBe(true);
    expect(web.deploy).toEqual({ replicas: 0, placement: { constraints: ['node.role==manager', 'node.labels.x==y'] } });
    expect(web.healthcheck).toEqual({ test: ['CMD', 'true', 'CMD', 'false'] });
    expect(doc?.locate(['services', 'web', 'deploy', 'placement', 'constraints', 1])).toMatchObject({ file: 'f1.yml', line: 7 });
    expect(doc?.locate(['services', 'web', 'deploy', 'placement', 'constraints', 0])).toMatchObject({ file: 'f0.yml', line: 8 });
  });

  it('replaces network aliases, top-level objects per name, and keeps x- keys of the first file only', () => {
    const { doc, sink } = merge(
      'services:\n  web:\n    image: x\n    networks: {n1: {aliases: [a]}}\nnetworks:\n  n1: {driver: overlay, labels: {a: b}}\nx-foo: 1\n',
      'services:\n  web:\n    networks: {n1: {aliases: [w]}}\n  db:\n    image: z\nnetworks:\n  n1: {labels: {c: d}}\nx-bar: 2\n',
    );
    expect(svc(doc).networks).toEqual({ n1: { aliases: ['w'] } });
    expect(doc?.data.networks).toEqual({ n1: { labels: { c: 'd' } } });
    expect(doc?.data['x-foo']).toBe(1);
    expect(doc?.data['x-bar']).toBeUndefined();
    expect(sink.items.map((d) => [d.code, d.loc?.file, d.loc?.line])).toEqual([['TOP_LEVEL_EXTENSION_IGNORED', 'f1.yml', 8]]);
    expect(svc(doc, 'db')).toEqual({ image: 'z' });
    expect(doc?.locateKey(['services', 'db'])).toEqual({ file: 'f1.yml', line: 4, col: 3 });
    expect(doc?.files).toEqual(['f0.yml', 'f1.yml']);
  });

  it('collapses a service’s ports again when a third file touches it', () => {
    const { doc } = merge(
      'services:\n  web: {image: x}\n',
      'services:\n  db:\n    image: z\n    ports: ["80", "81"]\n',
      'services:\n  db:\n    ports: ["82"]\n',
    );
    expect(svc(doc, 'db').ports).toEqual([{ mode: 'ingress', target: 82, published: 0, protocol: 'tcp' }]);
  });
});
