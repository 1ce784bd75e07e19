/**
 * The real `ansible-inventory --list` (Debian package ansible-core) feeding meshc's
 * inventory reader: what Ansible prints for INI and YAML inventories, with group vars,
 * children groups and host vars, must become the nodes docs/inventory.md promises.
 * Skipped when ansible-inventory is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { readInventory } from '../../src/driver/read-inventory.js';
import { titled } from '../support/tools.js';

const hasAnsible = spawnSync('ansible-inventory', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'meshc-ansible-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listing(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  // An empty config and private dirs keep the run independent of the machine's Ansible setup.
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  const env = { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_LOCAL_TEMP: dir, ANSIBLE_HOME: dir, ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False' };
  return execFileSync('ansible-inventory', ['-i', file, '--list'], { env, encoding: 'utf8' });
}

function read(json: string) {
  const sink = new DiagnosticSink();
  const inventory = readInventory('-', { readFile: () => Buffer.from(''), readStdin: () => Buffer.from(json) }, sink);
  return { inventory, sink, nodes: inventory?.nodes.map((n) => ({ name: n.name, address: n.address, role: n.role, labels: n.labels, engine: n.engineLabels })) };
}

describe.skipIf(!hasAnsible)(titled('ansible-inventory --list → readInventory', hasAnsible ? null : 'skipped: needs ansible-inventory on PATH'), () => {
  it('reads an INI inventory: groups give roles, host and group vars give addresses and labels', () => {
    const json = listing(
      'inv.ini',
      [
        '[managers]',
        `mgr1 ansible_host=192.168.60.1 meshc_labels='{"zone": "east"}'`,
        '',
        '[workers]',
        `wrk1 ansible_host=192.168.60.2 meshc_labels='{"zone": "west", "disk": "ssd"}'`,
        'wrk2 ansible_host=192.168.60.3',
        '192.168.60.4',
        '',
        '[workers:vars]',
        'meshc_engine_labels={"os": "debian"}',
        '',
      ].join('\n'),
    );
    const { nodes, sink } = read(json);
    expect(sink.items).toEqual([]);
    expect(nodes).toEqual([
      { name: '192.168.60.4', address: '192.168.60.4', role: 'worker', labels: {}, engine: { os: 'debian' } },
      { name: 'mgr1', address: '192.168.60.1', role: 'manager', labels: { zone: 'east' }, engine: {} },
      { name: 'wrk1', address: '192.168.60.2', role: 'worker', labels: { disk: 'ssd', zone: 'west' }, engine: { os: 'debian' } },
      { name: 'wrk2', address: '192.168.60.3', role: 'worker', labels: {}, engine: { os: 'debian' } },
    ]);
  });

  it('reads a YAML inventory: group meshc selects hosts, meshc_managers (through children) and meshc_role set roles', () => {
    const json = listing(
      'inv.yml',
      [
        'all:',
        '  children:',
        '    meshc:',
        '      children:',
        '        meshc_managers:',
        '          hosts:',
        '            m1: { ansible_host: 10.30.0.1 }',
        '        edge:',
        '          hosts:',
        '            e1: { ansible_host: 10.30.0.2, meshc_role: manager, meshc_labels: { tier: edge } }',
        '            e2: { ansible_host: 10.30.0.3, meshc_name: edge-2 }',
        '    monitoring:',
        '      hosts:',
        '        prom: { ansible_host: 10.30.0.9 }',
        '',
      ].join('\n'),
    );
    const { nodes, sink } = read(json);
    expect(sink.items).toEqual([]);
    expect(nodes?.map((n) => [n.name, n.address, n.role, n.labels])).toEqual([
      ['e1', '10.30.0.2', 'manager', { tier: 'edge' }],
      ['edge-2', '10.30.0.3', 'worker', {}],
      ['m1', '10.30.0.1', 'manager', {}],
    ]);
  });

  it('reads meshc_network from a group var (YAML inventory), the same for every node', () => {
    const json = listing(
      'net.yml',
      [
        'meshc:',
        '  vars:',
        '    meshc_network: { ingress_subnet: 10.40.0.0/24, vni: 7000, dynamic_port_range: [31000, 31099] }',
        '  hosts:',
        '    n1: { ansible_host: 10.50.0.1 }',
        '    n2: { ansible_host: 10.50.0.2 }',
        '',
      ].join('\n'),
    );
    const { inventory, sink } = read(json);
    expect(sink.items).toEqual([]);
    expect(inventory?.settings).toEqual({ ingressSubnet: '10.40.0.0/24', vni: 7000, dynamicPortRange: [31000, 31099] });
  });

  it('rejects a meshc_network that one host overrides (INI host var over the group var)', () => {
    const json = listing('net.ini', ['[meshc]', 'n1 ansible_host=10.50.0.1', 'n2 ansible_host=10.50.0.2 meshc_network=\'{"vni": 7001}\'', '', '[meshc:vars]', 'meshc_network={"vni": 7000}', ''].join('\n'));
    const { inventory, sink } = read(json);
    expect(inventory).toBeUndefined();
    expect(sink.items.map((d) => d.message)).toEqual([expect.stringContaining("n2.meshc_network differs from n1's")]);
  });

  it('reports hosts whose names or addresses meshc cannot use, at their place in the listing', () => {
    const json = listing('bad.ini', '[web]\nWeb_1 ansible_host=web1.example.com\n');
    const { inventory, sink } = read(json);
    expect(inventory).toBeUndefined();
    expect(sink.items.map((d) => d.code)).toEqual(['INVENTORY_NODE_NAME_INVALID', 'INVENTORY_ADDRESS_INVALID']);
    expect(sink.items.every((d) => d.loc?.file === '<stdin>' && d.loc.line > 1)).toBe(true);
  });
});
