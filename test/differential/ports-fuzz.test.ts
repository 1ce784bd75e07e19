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
import { dockerAvailable, dockerConfig, dockerPorts, meshcConfig } from './docker-config.js';

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

describe.skipIf(!dockerAvailable)('generated port specs: docker vs meshc', () => {
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
});
