/**
 * Random cluster files (issue 13, every input gets the stack file's guards): stack names,
 * file lists, paths that escape, repeat or are missing, inventories and network settings at
 * and past their limits. Every run ends in exit 0, 1 or 2, without a crash, within BOUND_MS
 * (in-process, on the in-memory file system of the hardening harness).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashText, runMem } from './harness.js';

const NUM_RUNS = Number(process.env.MESHC_FUZZ_RUNS ?? 120);
const BOUND_MS = 3000;

const stackName = fc.oneof(fc.constantFrom('app', 'proxy', 'App', 'a_b', 'a', '-x', '', 'x\u001b[31m', 'a.b', 'A'.repeat(80)), fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/));
const path = fc.constantFrom('a.yml', 'b.yml', 'missing.yml', '../a.yml', '/dev/zero', 'a.yml', '', 'meshc.yml', 'dir/../b.yml');
const files = fc.oneof(path.map((p) => JSON.stringify(p)), fc.array(path, { maxLength: 3 }).map((ps) => JSON.stringify(ps)), fc.constantFrom('null', '3', '{}', '[[]]'));
const network = fc.constantFrom('', 'network: {ingress_subnet: 10.0.0.0/30}\n', 'network: {vxlan_port: 8080}\n', 'network: 7\n', 'network: {bogus: 1}\n', 'network: {dataplane: nftables}\n');
const inventory = fc.constantFrom('', 'inventory: inv.yml\n', 'inventory: missing.yml\n', 'inventory: /dev/zero\n', 'inventory: [1]\n');
const cluster = fc
  .tuple(fc.array(fc.tuple(stackName, files), { maxLength: 5 }), network, inventory)
  .map(([stacks, net, inv]) => `${inv}${net}stacks:\n${stacks.map(([n, f]) => `  ${JSON.stringify(n)}: ${f}`).join('\n') || '  {}'}\n`);

const A = 'services:\n  web:\n    image: nginx\n    ports: ["8080:80", "80"]\n';
const B = 'x-meshc: {ingress_subnet: 10.9.0.0/24}\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80/udp", "8080:80"]\n    deploy: {replicas: 50000000}\n';
const INV = 'nodes:\n  - {name: n1, address: 192.168.56.11}\n  - {name: n2, address: 192.168.56.12}\n';

describe('random cluster files never crash or hang meshc', () => {
  it(`answer with exit 0, 1 or 2 within ${BOUND_MS} ms each`, async () => {
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(cluster, fc.constantFrom('compile', 'validate', 'plan'), async (text, command) => {
        const started = Date.now();
        const argv = command === 'compile' ? ['compile', 'meshc.yml', '--format', 'json'] : [command, 'meshc.yml'];
        const r = await runMem(argv, { 'meshc.yml': text, 'a.yml': A, 'b.yml': B, 'inv.yml': INV });
        const ms = Date.now() - started;
        slowest = Math.max(slowest, ms);
        expect(crashText(r.stderr), `${text}\n${r.stderr.slice(0, 2000)}`).toBeUndefined();
        expect([0, 1, 2], text).toContain(r.code);
        expect(ms, text).toBeLessThan(BOUND_MS);
      }),
      { numRuns: NUM_RUNS, seed: 20261203 },
    );
    expect(slowest).toBeGreaterThan(0);
  }, 600_000);
});
