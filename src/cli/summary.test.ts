import { describe, expect, it } from 'vitest';
import type { Plan, PlanService } from '../model/plan.js';
import { compileSummary } from './summary.js';

const service = (name: string, ports: PlanService['ports'], stack?: string): PlanService => ({
  name,
  fullName: `${stack ?? 'shop'}_${name}`,
  ...(stack ? { stack } : {}),
  fwmark: 256,
  vip: '10.0.0.3',
  endpointMode: 'vip',
  ports,
  tasks: [],
  health: null,
});

const plan = (services: PlanService[], nodes = 2): Plan =>
  ({
    stack: 'shop',
    settings: {} as Plan['settings'],
    nodes: Array.from({ length: nodes }, (_v, i) => ({ name: `node${i + 1}`, address: `192.168.1.${i + 1}`, role: 'manager', labels: {}, ingressIp: `10.0.0.${i + 2}` })),
    services,
  }) as Plan;

describe('compileSummary', () => {
  it('says what was compiled, where it went and what to run next', () => {
    const text = compileSummary({
      plan: plan([service('web', [{ published: 8080, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false }]), service('db', [{ published: 5432, target: 5432, protocol: 'tcp', mode: 'host', dynamic: false }])]),
      fileCount: 12,
      out: 'out',
      lockWritten: 'stack.yml.meshc-lock.json',
    });
    expect(text).toBe(
      [
        'meshc: wrote 12 files to out/ and the lock stack.yml.meshc-lock.json',
        '  nodes     2: node1 (192.168.1.1), node2 (192.168.1.2)',
        '  stacks    1: shop',
        '  services  2: shop_web, shop_db',
        '  ports     2: 8080/tcp → shop_web:80, 5432/tcp → shop_db:5432 (host mode: no mesh)',
        'next:',
        '  every node at once:  ansible-playbook -i INVENTORY out/playbook.yml   (add --check --diff to preview)',
        '  or on each node:     sudo out/node1/apply.sh --check, then sudo out/node1/apply.sh',
        '',
      ].join('\n'),
    );
  });

  it('stays short for a large cluster, and names every stack of a cluster plan', () => {
    const services = Array.from({ length: 40 }, (_v, i) => service(`s${i}`, [{ published: 30000 + i, target: 80, protocol: 'udp', mode: 'ingress', dynamic: true }], i % 2 ? 'a' : 'b'));
    const text = compileSummary({ plan: plan(services, 50), fileCount: 1, out: 'build/' });
    expect(text.split('\n')).toHaveLength(9);
    expect(text).toContain('meshc: wrote 1 file to build/\n');
    expect(text).toContain('  stacks    2: b, a\n');
    expect(text).toMatch(/ {2}nodes {5}50: node1 \(192\.168\.1\.1\), .*, … and 44 more\n/);
    expect(text).toContain('… and 34 more\n');
  });

  it('says when nothing is published', () => {
    expect(compileSummary({ plan: plan([service('worker', [])], 1), fileCount: 5, out: 'out/' })).toContain('  ports     none published: the mesh has nothing to route\n');
  });
});
