/** Issue 13 items 8 and 10 through the CLI: unusable node addresses and names are refused with a position, never exit 3. */
import { describe, expect, it } from 'vitest';
import { compileJson, crashText } from './harness.js';

const STACK = 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n';
const inventory = (nodes: [string, string][]) => `nodes:\n${nodes.map(([n, a]) => `  - name: ${JSON.stringify(n)}\n    address: ${a}\n`).join('')}`;

async function errorsOf(nodes: [string, string][]) {
  const r = await compileJson(STACK, { inventory: inventory(nodes) });
  expect(crashText(r.stderr), r.stderr).toBeUndefined();
  if (r.code === 0) return [];
  expect(r.code).toBe(1);
  const diags = (JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; message: string; loc?: { file: string; line: number } }[] }).diagnostics;
  return diags.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.loc?.file}:${d.loc?.line}`);
}

describe('node addresses (item 8)', () => {
  it.each([
    ['0.0.0.0', 'INVENTORY_ADDRESS_UNUSABLE'],
    ['255.255.255.255', 'INVENTORY_ADDRESS_UNUSABLE'],
    ['239.1.2.3', 'INVENTORY_ADDRESS_UNUSABLE'],
    ['127.0.0.2', 'INVENTORY_ADDRESS_UNUSABLE'],
    ['10.0.0.7', 'NODE_ADDRESS_IN_SUBNET'],
    ['172.18.3.4', 'NODE_ADDRESS_IN_SUBNET'],
  ])('refuses %s as a peer of a two-node cluster, at the node', async (address, code) => {
    expect(await errorsOf([['a', '192.168.1.1'], ['b', address]])).toEqual([`${code}@inventory.yml:4`]);
  });

  it('accepts loopback for a one-node cluster', async () => {
    expect(await errorsOf([['a', '127.0.0.1']])).toEqual([]);
  });
});

describe('node names share the renderer grammar (item 10)', () => {
  it.each(['a..b', 'plan.json', 'playbook.yml', 'shared'])('refuses %s with a positioned error, not an internal one', async (name) => {
    expect(await errorsOf([[name, '192.168.1.1']])).toEqual(['INVENTORY_NODE_NAME_INVALID@inventory.yml:2']);
  });

  it('still accepts dotted names', async () => {
    expect(await errorsOf([['db.1.example', '192.168.1.1']])).toEqual([]);
  });
});

describe('an invalid stack name (item 16)', () => {
  it('is reported once, without a false "invalid service name"', async () => {
    const r = await compileJson(STACK, { argv: ['--stack', 'a\u0000b'] });
    expect(r.code).toBe(1);
    const codes = (JSON.parse(r.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics.map((d) => `${d.code}: ${d.message.split(':')[0]}`);
    expect(codes).toEqual(['NAME_INVALID: invalid stack name "a\\x00b"']);
  });
});
