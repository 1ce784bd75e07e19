import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { LOCAL_INVENTORY, readInventory } from './read-inventory.js';

function io(files: Record<string, string>, stdin = '') {
  return {
    readFile: (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return Buffer.from(text);
    },
    readStdin: () => Buffer.from(stdin),
  };
}

function read(text: string, file = 'inv.yml') {
  const sink = new DiagnosticSink();
  const inventory = readInventory(file, io({ [file]: text }), sink);
  return { inventory, sink, where: sink.items.map((d) => `${d.code}@${d.loc?.line}:${d.loc?.col}`) };
}

const MESHC = `nodes:
  - name: node1
    address: 192.168.1.10
    role: manager
    labels: { zone: east, rack: 1 }
  - name: node2
    address: 192.168.1.11
    engine_labels: { os: debian }
network:
  ingress_subnet: 10.10.0.0/16
  dynamic_port_range: [40000, 40100]
`;

describe('readInventory: meshc YAML', () => {
  it('reads nodes, defaults and network settings with their positions', () => {
    const { inventory, sink } = read(MESHC);
    expect(sink.items).toEqual([]);
    expect(inventory?.nodes.map((n) => [n.name, n.address, n.role, n.labels, n.engineLabels])).toEqual([
      ['node1', '192.168.1.10', 'manager', { rack: '1', zone: 'east' }, {}],
      ['node2', '192.168.1.11', 'worker', {}, { os: 'debian' }],
    ]);
    expect(inventory?.settings).toEqual({ ingressSubnet: '10.10.0.0/16', dynamicPortRange: [40000, 40100] });
    expect(inventory?.settingLocs?.ingressSubnet).toMatchObject({ file: 'inv.yml', line: 10, col: 19 });
    expect(inventory?.nodes[1]?.loc).toMatchObject({ line: 6, col: 5 });
  });

  it('reports every schema problem at its line and column', () => {
    const { inventory, where, sink } = read('nodes:\n  - name: a\n    adress: 10.0.0.1\n  - name: b\n    address: 10.0.0.2\n    role: boss\nnetwork:\n  vni: many\n');
    expect(inventory).toBeUndefined();
    expect(where).toEqual(['INVENTORY_INVALID@2:5', 'INVENTORY_INVALID@3:5', 'INVENTORY_INVALID@6:11', 'INVENTORY_INVALID@8:8']);
    expect(sink.items[1]?.message).toBe('inventory: nodes[0] has unknown property "adress"');
    expect(sink.items[2]?.message).toBe('inventory: nodes[1].role must be one of "manager", "worker"');
  });

  it('rejects names, labels and addresses that cannot go into files and scripts', () => {
    const { where, sink } = read('nodes:\n  - { name: Node_1, address: 10.0.0.1 }\n  - { name: ok, address: nowhere.example, labels: { "a b": "x;rm" } }\n');
    expect(where).toEqual(['INVENTORY_NODE_NAME_INVALID@2:5', 'INVENTORY_ADDRESS_INVALID@3:5', 'INVENTORY_LABEL_INVALID@3:5', 'INVENTORY_LABEL_INVALID@3:5']);
    expect(sink.items[0]?.message).toContain('"Node_1"');
  });

  it('rejects duplicate names and addresses, pointing at the first', () => {
    const { where, sink } = read('nodes:\n  - { name: a, address: 10.0.0.1 }\n  - { name: a, address: 10.0.0.2 }\n  - { name: b, address: 10.0.0.1 }\n');
    expect(where).toEqual(['INVENTORY_NODE_DUPLICATE@3:5', 'INVENTORY_ADDRESS_DUPLICATE@4:5']);
    expect(sink.items.map((d) => d.notes?.[0]?.loc?.line)).toEqual([2, 2]);
  });

  it('reads anchors and merge keys', () => {
    const ok = read('nodes:\n  - &a { name: a, address: 10.0.0.1, role: manager, labels: { zone: east } }\n  - { <<: *a, name: b, address: 10.0.0.2 }\n');
    expect(ok.inventory?.nodes.map((n) => [n.name, n.role, n.labels])).toEqual([
      ['a', 'manager', { zone: 'east' }],
      ['b', 'manager', { zone: 'east' }],
    ]);
  });

  it('points a raw Ansible inventory at ansible-inventory --list', () => {
    const { sink } = read('all:\n  hosts:\n    a: {}\n');
    expect(sink.items.map((d) => d.code)).toEqual(['INVENTORY_INVALID']);
    expect(sink.items[0]?.message).toContain('ansible-inventory -i FILE --list');
  });

  it('reports YAML syntax errors with a position', () => {
    const { where } = read('nodes:\n  - name: a\n   address: [\n');
    expect(where[0]).toMatch(/^INVENTORY_SYNTAX@\d+:\d+$/);
  });

  it('is read as the Compose front end reads YAML: its refusals keep the inventory code, at their position', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n' + Array.from({ length: 8 }, (_v, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`).join('\n') + '\nnodes: []\n';
    const cases: [string, string, RegExp][] = [
      ['nodes:\n  - { name: a, address: 10.0.0.1 }\nnodes: []\n', 'INVENTORY_SYNTAX@3:1', /mapping key "nodes" already defined at line 1/],
      ['nodes:\n  - *missing\n', 'INVENTORY_SYNTAX@2:5', /unknown anchor 'missing'/],
      ['nodes:\n  - { name: a,\0 address: 10.0.0.1 }\n', 'INVENTORY_SYNTAX@2:15', /not a text file/],
      [bomb, 'INVENTORY_SYNTAX@9:8', /excessive aliasing/],
    ];
    for (const [text, at, message] of cases) {
      const { inventory, where, sink } = read(text);
      expect(inventory).toBeUndefined();
      expect(where).toEqual([at]);
      expect(sink.items[0]?.message).toMatch(/^inventory is not valid YAML or JSON: /);
      expect(sink.items[0]?.message).toMatch(message);
    }
  });

  it('accepts every setting the schema names, dataplane included', () => {
    const { inventory, sink } = read('nodes:\n  - { name: a, address: 10.0.0.1 }\nnetwork: { dataplane: nftables, vni: 5000 }\n');
    expect(sink.items).toEqual([]);
    expect(inventory?.settings).toEqual({ dataplane: 'nftables', vni: 5000 });
  });
});

const ANSIBLE = JSON.stringify({
  _meta: {
    hostvars: {
      alpha: { ansible_host: '192.168.5.1', meshc_labels: { zone: 'east' } },
      beta: { ansible_host: '192.168.5.2', meshc_role: 'manager', meshc_engine_labels: { os: 'debian' } },
      'gamma.lan': { meshc_address: '192.168.5.3' },
    },
  },
  all: { children: ['ungrouped', 'managers', 'workers'] },
  managers: { children: ['core'] },
  core: { hosts: ['alpha'] },
  workers: { hosts: ['gamma.lan', '192.168.5.4'] },
  ungrouped: {},
}, null, 2);

describe('readInventory: ansible-inventory --list JSON', () => {
  it('takes hosts from hostvars and groups, addresses, roles and labels from the documented vars', () => {
    const { inventory, sink } = read(ANSIBLE, 'inv.json');
    expect(sink.items).toEqual([]);
    expect(inventory?.nodes.map((n) => [n.name, n.address, n.role, n.labels, n.engineLabels])).toEqual([
      ['192.168.5.4', '192.168.5.4', 'worker', {}, {}],
      ['alpha', '192.168.5.1', 'manager', { zone: 'east' }, {}],
      ['beta', '192.168.5.2', 'manager', {}, { os: 'debian' }],
      ['gamma.lan', '192.168.5.3', 'worker', {}, {}],
    ]);
  });

  it('keeps only the hosts of group meshc when there is one', () => {
    const listing = { ...(JSON.parse(ANSIBLE) as object), meshc: { children: ['core'], hosts: ['beta'] } };
    const { inventory } = read(JSON.stringify(listing), 'inv.json');
    expect(inventory?.nodes.map((n) => n.name)).toEqual(['alpha', 'beta']);
  });

  it('reports bad meshc host vars at the host', () => {
    const listing = { _meta: { hostvars: { a: { ansible_host: '10.0.0.1', meshc_role: 'boss', meshc_labels: ['x'] } } } };
    const { where } = read(JSON.stringify(listing, null, 1), 'inv.json');
    expect(where).toEqual(['INVENTORY_INVALID@4:9', 'INVENTORY_INVALID@7:21']);
  });
});

describe('readInventory: meshc_network in ansible-inventory --list JSON', () => {
  const withNetwork = (perHost: Record<string, unknown>) =>
    JSON.stringify(
      { _meta: { hostvars: Object.fromEntries(Object.entries(perHost).map(([h, net], i) => [h, { ansible_host: `192.168.7.${i + 1}`, ...(net === undefined ? {} : { meshc_network: net }) }])) } },
      null,
      1,
    );
  const NET = { ingress_subnet: '10.20.0.0/24', vni: 5000, dynamic_port_range: [31000, 31999] };

  it('reads the network settings every node carries (a group var), with the position of each value', () => {
    const { inventory, sink } = read(withNetwork({ a: NET, b: NET }), 'inv.json');
    expect(sink.items).toEqual([]);
    expect(inventory?.settings).toEqual({ ingressSubnet: '10.20.0.0/24', vni: 5000, dynamicPortRange: [31000, 31999] });
    expect(inventory?.settingLocs?.vni).toMatchObject({ file: 'inv.json', line: 8, col: 13 });
  });

  it('rejects settings that differ between nodes, or that only some nodes carry', () => {
    expect(read(withNetwork({ a: NET, b: { ...NET, vni: 5001 } }), 'inv.json').sink.items.map((d) => d.message)).toEqual([
      expect.stringContaining("b.meshc_network differs from a's: the cluster has one network"),
    ]);
    expect(read(withNetwork({ a: undefined, b: NET }), 'inv.json').sink.items.map((d) => d.message)).toEqual([expect.stringContaining('a.meshc_network differs from b')]);
  });

  it('rejects unknown keys, wrong types and a non-mapping, at the value', () => {
    const bad = read(withNetwork({ a: { ingress_subnet: 10, vni: '5000', mtu: 1400, dynamic_port_range: [1] } }), 'inv.json');
    expect(bad.inventory).toBeUndefined();
    expect(bad.sink.items.map((d) => d.message)).toEqual([
      'inventory: a.meshc_network.ingress_subnet must be a string',
      'inventory: a.meshc_network.vni must be an integer',
      expect.stringMatching(/^inventory: a.meshc_network.mtu is not a network setting \(known: ingress_subnet, /),
      'inventory: a.meshc_network.dynamic_port_range must be two integers [first, last]',
    ]);
    expect(bad.where).toEqual(['INVENTORY_INVALID@7:24', 'INVENTORY_INVALID@8:13', 'INVENTORY_INVALID@9:13', 'INVENTORY_INVALID@10:28']);
    expect(read(withNetwork({ a: '10.0.0.0/24' }), 'inv.json').sink.items.map((d) => d.code)).toEqual(['INVENTORY_INVALID']);
  });

  it('judges meshc_network by the inventory schema\'s network:, as a meshc inventory is judged', () => {
    const bad = read(withNetwork({ a: { dataplane: 'ebpf', fwmark_base: 1.5 } }), 'inv.json');
    expect(bad.sink.items.map((d) => d.message)).toEqual([
      'inventory: a.meshc_network.dataplane must be one of "ipvs", "nftables"',
      'inventory: a.meshc_network.fwmark_base must be an integer',
    ]);
    const meshc = read('nodes:\n  - { name: a, address: 10.0.0.1 }\nnetwork: { dataplane: ebpf }\n');
    expect(meshc.sink.items.map((d) => d.message)).toEqual(['inventory: network.dataplane must be one of "ipvs", "nftables"']);
    expect(read(withNetwork({ a: { dataplane: 'nftables' } }), 'inv.json').inventory?.settings).toEqual({ dataplane: 'nftables' });
  });
});

describe('readInventory: sources', () => {
  it('is one local manager node without -i', () => {
    expect(readInventory(undefined, io({}), new DiagnosticSink())).toBe(LOCAL_INVENTORY);
    expect(LOCAL_INVENTORY.nodes).toEqual([{ name: 'local', address: '127.0.0.1', role: 'manager', labels: {}, engineLabels: {} }]);
  });

  it('reads stdin for -i -', () => {
    const sink = new DiagnosticSink();
    const inventory = readInventory('-', io({}, 'nodes:\n  - { name: s1, address: 10.1.1.1 }\n'), sink);
    expect(inventory?.source).toBe('<stdin>');
    expect(inventory?.nodes[0]?.loc?.file).toBe('<stdin>');
  });

  it('reports a missing file as an IO problem', () => {
    const sink = new DiagnosticSink();
    expect(readInventory('nope.yml', io({}), sink)).toBeUndefined();
    expect(sink.items.map((d) => d.code)).toEqual(['FILE_NOT_FOUND']);
  });
});
