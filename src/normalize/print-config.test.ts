// printConfig without docker: the shapes docker prints (checked byte for byte against the
// CLI in test/differential); here the transforms that matter most, so a regression shows
// up in the unit suite too.
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { mergeDocuments } from './merge.js';
import { printConfig } from './print-config.js';
import { composeDocFromYaml } from './testing/compose-doc.js';

const print = (text: string): string => printConfig(composeDocFromYaml(text, '/srv/app/stack.yml'), { HOME: '/home/u' });

describe('printConfig', () => {
  it('prints short ports in long form, version defaulted, services sorted', () => {
    expect(print('services:\n  web:\n    image: nginx\n    ports: ["127.0.0.1:8000-8001:80", 9000/udp]\n  api:\n    image: api\n')).toBe(
      `version: "3.13"
services:
  api:
    image: api
  web:
    image: nginx
    ports:
      - mode: ingress
        target: 80
        published: 8000
        protocol: tcp
      - mode: ingress
        target: 80
        published: 8001
        protocol: tcp
      - mode: ingress
        target: 9000
        protocol: udp
`,
    );
  });

  it('keeps long-syntax strings as written (docker prints them; the daemon reinterprets later)', () => {
    expect(print('version: "3.8"\nservices:\n  web:\n    image: x\n    ports: [{target: 81, published: 8080, protocol: http, mode: hots}]\n')).toContain(
      '      - mode: hots\n        target: 81\n        published: 8080\n        protocol: http\n',
    );
  });

  it('formats durations, memory, commands, environment and healthchecks as docker does', () => {
    const out = print(`services:
  web:
    image: x
    command: sh -c 'echo "a b"'
    environment: [A=1, B]
    healthcheck: {test: curl -f localhost, interval: 90s, retries: 0}
    stop_grace_period: 3600s
    deploy: {resources: {limits: {memory: 50M}}, replicas: 0}
`);
    expect(out).toContain('    command:\n      - sh\n      - -c\n      - echo "a b"\n');
    expect(out).toContain('    environment:\n      A: "1"\n      B: null\n');
    expect(out).toContain('      test:\n        - CMD-SHELL\n        - curl -f localhost\n      interval: 1m30s\n      retries: 0\n');
    expect(out).toContain('    stop_grace_period: 1h0m0s\n');
    expect(out).toContain('    deploy:\n      replicas: 0\n      resources:\n        limits:\n          memory: "52428800"\n');
  });

  it('resolves bind mounts and secret files against the first file’s directory; external names default to the key', () => {
    const out = print(`services:
  web:
    image: x
    volumes: ["./conf:/etc/conf:ro", "data:/data"]
volumes:
  data: {external: true}
secrets:
  tls: {file: ./tls.pem}
`);
    expect(out).toContain('      - type: bind\n        source: /srv/app/conf\n        target: /etc/conf\n        read_only: true\n');
    expect(out).toContain('volumes:\n  data:\n    name: data\n    external: true\n');
    expect(out).toContain('secrets:\n  tls:\n    file: /srv/app/tls.pem\n');
  });

  it('expands a leading ~ of a bind source from the environment’s HOME, as docker’s expandUser, or keeps it without one', () => {
    const text = 'services:\n  web:\n    image: x\n    volumes: ["~/data:/data", {type: bind, source: "~bob/x", target: /x}]\n';
    const doc = composeDocFromYaml(text, '/srv/app/stack.yml');
    const sources = (out: string) => [...out.matchAll(/source: (.*)/g)].map((m) => m[1]);
    expect(sources(printConfig(doc, { HOME: '/home/u' }))).toEqual(['/home/u/data', '/home/ubob/x']);
    expect(sources(printConfig(doc, { HOME: '' }))).toEqual(['/data', '/srv/app/bob/x']);
    expect(sources(printConfig(doc, {}))).toEqual(['/srv/app/~/data', '/srv/app/~bob/x']);
  });

  it('prints a merged document with merged ports', () => {
    const sink = new DiagnosticSink();
    const merged = mergeDocuments(
      [composeDocFromYaml('services:\n  web:\n    image: x\n    ports: ["8001:80"]\n', '/a.yml'), composeDocFromYaml('services:\n  web:\n    ports: ["8001:90"]\n', '/b.yml')],
      sink,
    );
    expect(printConfig(merged!, {})).toContain('    ports:\n      - mode: ingress\n        target: 90\n        published: 8001\n        protocol: tcp\n');
  });
});
