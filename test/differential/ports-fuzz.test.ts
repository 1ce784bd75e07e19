/**
 * Generated short-syntax ports against the docker CLI: for each spec, `docker stack
 * config` and meshc must agree on accept/reject and on the expanded ports. Seeded, so a
 * failure reproduces; a signed number ("+80") is covered by fixtures/differential/ports-plus-sign.yml; no container port 0 or Swarm-reserved port is generated (meshc
 * rejects those on purpose, see fixtures/differential).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printConfig } from '../../src/normalize/print-config.js';
import { dockerAvailable, dockerConfig, dockerPorts, meshcConfig } from './docker-config.js';
import { titled } from '../support/tools.js';

const number = fc.constantFrom('1', '22', '80', '443', '0080', '8080', '30000', '65535', '65536', 'x');
// Short ranges (and reversed ones): long ones only cost time, docker prints every port.
const range = fc.oneof(
  number,
  fc.tuple(fc.constantFrom(1, 80, 8080, 65534, 65535), fc.integer({ min: -1, max: 3 })).map(([a, d]) => `${a}-${a + d}`),
  fc.constantFrom('x-1', '1-', '-1'),
);
const ip = fc.constantFrom('', '127.0.0.1:', '0.0.0.0:', '[::1]:', '::1:', '[::]:', '1.2.3:', 'localhost:');
const host = fc.oneof(fc.constant(''), range.map((r) => `${r}:`), fc.constant(':'), fc.constant('0:'));
const proto = fc.constantFrom('', '/tcp', '/udp', '/sctp', '/UDP', '/http', '/');
const spec = fc.tuple(ip, host, range, proto).map(([i, h, c, p]) => `${i}${h}${c}${p}`);

describe.skipIf(!dockerAvailable)(titled('generated port specs: docker vs meshc', dockerAvailable ? null : 'skipped: needs `docker stack config` (the docker CLI) on PATH'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-ports-'));

  it('agree on verdict and expansion', () => {
    fc.assert(
      fc.property(spec, (raw) => {
        const file = join(dir, 'stack.yml');
        writeFileSync(file, `services:\n  web:\n    image: nginx\n    ports:\n      - ${JSON.stringify(raw)}\n`);
        const docker = dockerConfig([file], {});
        const meshc = meshcConfig([file], {});
        const errors = meshc.diagnostics.filter((d) => d.severity === 'error');
        // Deliberately stricter than docker: Swarm's own ports inside a generated range.
        const ok = errors.every((d) => d.code === 'PORT_RESERVED');
        expect({ raw, ok, errors: errors.map((d) => d.message) }).toMatchObject({ ok: docker.ok });
        if (docker.ok && meshc.ok) expect(meshc.ports).toEqual(dockerPorts(docker.stdout));
      }),
      { seed: 20261126, numRuns: 80 },
    );
  });

  // Merging keys ports by published port; small pools make collisions (and published 0) common.
  const entry = fc.oneof(
    fc.constantFrom('"80"', '"81"', '"8080:80"', '"8080:81"', '"8081:80/udp"', '"9000-9001:90"', '"127.0.0.1:8082:82"'),
    fc.record({ target: fc.constantFrom(80, 81), published: fc.constantFrom(0, 8080, 8083), mode: fc.constantFrom('ingress', 'host') })
      .map((p) => `{target: ${p.target}, published: ${p.published}, mode: ${p.mode}}`),
  );
  const portList = fc.array(entry, { maxLength: 4 });

  it('agree on ports merged from two files', () => {
    fc.assert(
      fc.property(portList, portList, fc.boolean(), (base, over, overHasPorts) => {
        const [a, b] = [join(dir, 'base.yml'), join(dir, 'override.yml')];
        const list = (ports: string[]): string => ports.map((p) => `      - ${p}\n`).join('');
        writeFileSync(a, `version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports:\n${list(base)}`.replace(/ports:\n$/, 'ports: []\n'));
        const overPorts = overHasPorts ? `    ports:\n${list(over)}`.replace(/ports:\n$/, 'ports: []\n') : '';
        writeFileSync(b, `version: "3.8"\nservices:\n  web:\n    image: nginx:2\n${overPorts}`);
        const docker = dockerConfig([a, b], {});
        const meshc = meshcConfig([a, b], {});
        const collapsed = meshc.doc ? dockerPorts(printConfig(meshc.doc, { HOME: process.env.HOME })) : {};
        expect({ base, over, ok: meshc.doc !== undefined }).toMatchObject({ ok: docker.ok });
        if (docker.ok) expect(collapsed).toEqual(dockerPorts(docker.stdout));
      }),
      { seed: 20261127, numRuns: 40 },
    );
  });
});
