/**
 * Random inventory files (issue 13): generated node lists with hostile names, unusable
 * addresses, control characters, and network settings at and past their limits, next to
 * stacks with huge replica counts and wide dynamic ranges. Every run must end in exit 0,
 * 1 or 2, without a crash, within BOUND_MS (in-process; stated in docs/hardening.md).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashText, runMem } from './harness.js';

const NUM_RUNS = Number(process.env.MESHC_FUZZ_RUNS ?? 150);
const BOUND_MS = 3000;

const name = fc.oneof(
  fc.constantFrom('a', 'node1', 'a..b', 'plan.json', 'playbook.yml', 'shared', '.', '..', '-x', 'A', 'x\u001b[31m', 'a/b', ''),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/),
);
const address = fc.oneof(
  fc.constantFrom('0.0.0.0', '255.255.255.255', '224.0.0.1', '127.0.0.1', '10.0.0.5', '172.18.0.9', '192.168.1.1', '1.2.3', '::1', ''),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
);
const setting = fc.oneof(
  fc.record({ vxlan_port: fc.constantFrom(0, 1, 22, 4789, 8080, 65535, 65536, -1) }),
  fc.record({ ingress_subnet: fc.constantFrom('10.0.0.0/24', '10.0.0.0/30', '10.0.0.0/8', '172.18.0.0/24', '0.0.0.0/0', 'x') }),
  fc.record({ gateway_subnet: fc.constantFrom('172.18.0.0/16', '10.0.0.0/16', '10.0.0.0/8') }),
  fc.record({ dynamic_port_range: fc.constantFrom([1, 65535], [20, 30], [30000, 30000], [5, 1]) }),
  fc.record({ fwmark_base: fc.constantFrom(1, 4294967295, 0) }),
);
const inventory = fc
  .record({ nodes: fc.array(fc.record({ name, address, labels: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }) }), { maxLength: 6 }), network: setting })
  .map((inv) => JSON.stringify(inv));
const stack = fc
  .record({
    replicas: fc.constantFrom(0, 1, 3, 300, 100_001, 50_000_000),
    ports: fc.array(fc.constantFrom('"80"', '"8080:80"', '"4789:1/udp"', '"8080:1/udp"', '"22:22"', '"10000-40000:10000-40000"', '"80/udp"'), { maxLength: 4 }),
  })
  .map(({ replicas, ports }) => `version: "3.8"\nservices:\n  w:\n    image: nginx\n    ports: [${ports.join(', ')}]\n    deploy:\n      replicas: ${replicas}\n  v:\n    image: nginx\n    ports: [${ports.join(', ')}]\n`);

describe('random inventories never crash or hang meshc', () => {
  it(`answer with exit 0, 1 or 2 within ${BOUND_MS} ms each`, async () => {
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(stack, inventory, async (s, inv) => {
        const started = Date.now();
        const r = await runMem(['compile', 'stack.yml', '-i', 'inv.json', '--format', 'json'], { 'stack.yml': s, 'inv.json': inv });
        const ms = Date.now() - started;
        slowest = Math.max(slowest, ms);
        expect(crashText(r.stderr), r.stderr.slice(0, 2000)).toBeUndefined();
        expect([0, 1, 2], `${inv}\n${s}`).toContain(r.code);
        expect(ms, `${inv}\n${s}`).toBeLessThan(BOUND_MS);
      }),
      { numRuns: NUM_RUNS, seed: 20261203 },
    );
    expect(slowest).toBeGreaterThan(0);
  }, 600_000);
});
