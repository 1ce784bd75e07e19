/**
 * Map key order and block scalars, byte for byte against `docker stack config`: go-yaml
 * v3 sorts map keys with digit runs compared as numbers and letters after `_` and digits,
 * and prints multi-line strings as literal blocks. Skips where the docker CLI is absent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printConfig } from '../../src/normalize/print-config.js';
import { goKeyCompare } from '../../src/normalize/go-yaml-emit.js';
import { dockerAvailable, dockerConfig, meshcConfig } from './docker-config.js';

const dir = mkdtempSync(join(tmpdir(), 'meshc-keys-'));

function both(text: string): { docker: string; meshc: string | undefined } {
  const file = join(dir, 'stack.yml');
  writeFileSync(file, text);
  const docker = dockerConfig([file], {});
  expect(docker.ok, docker.stderr).toBe(true);
  const m = meshcConfig([file], {});
  return { docker: docker.stdout, meshc: m.doc ? printConfig(m.doc, { HOME: process.env.HOME }) : undefined };
}

describe('go-yaml key order (unit)', () => {
  it('orders as go-yaml keyList.Less', () => {
    const keys = ['WEBPASSWORD', 'WEB_PORT', 'NODE10', 'NODE9', 'web1', 'web_1', 'a', 'A', '_x', '9', '10', 'a01', 'a1', 'a001'];
    expect([...keys].sort(goKeyCompare)).toEqual(['_x', '9', '10', 'A', 'NODE9', 'NODE10', 'WEB_PORT', 'WEBPASSWORD', 'a', 'a1', 'a01', 'a001', 'web_1', 'web1']);
  });
});

describe.skipIf(!dockerAvailable)('key order and block scalars vs docker stack config', () => {
  it('environment keys, labels and service names print in docker’s order', () => {
    const text = `version: "3.8"
services:
  web1:
    image: nginx
    environment: {WEBPASSWORD: a, WEB_PORT: b, NODE10: c, NODE9: d, _X: e, "9A": f, "10A": g}
    labels: {a01: x, a1: y, a001: z, b: w}
  web_1:
    image: nginx
    command: |
      line one
      line two
    entrypoint: ["sh", "-c", "a\\nb"]
`;
    const { docker, meshc } = both(text);
    expect(meshc).toBe(docker);
  });

  it('random environment keys print in docker’s order', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 2, maxLength: 8 }), (keys) => {
        const env = keys.map((k) => `      ${k}: v\n`).join('');
        const { docker, meshc } = both(`version: "3.8"\nservices:\n  s:\n    image: nginx\n    environment:\n${env}`);
        expect(meshc).toBe(docker);
      }),
      { numRuns: 25, seed: 14 },
    );
  });
});
