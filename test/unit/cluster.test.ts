/**
 * The cluster file and cluster-wide allocation: errors at their positions (cluster file
 * or stack files), one lock for every stack, adoption of per-stack locks, --frozen.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { planFile } from '../../src/driver/drive.js';
import { serializeLock } from '../../src/plan/lock.js';
import { clusterYaml, memoryIo, OPTS, plan } from './cluster-helpers.js';

const WEB = 'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n';
const DB = 'services:\n  db:\n    image: postgres\n    deploy: {replicas: 2}\n    ports: [{target: 5432}]\n';

describe('cluster file', () => {
  it('compiles every stack into one plan, services under their full names, each naming its stack', () => {
    const { planned, codes } = plan({ 'meshc.yml': clusterYaml(['front', 'data']), 'stacks/front.yml': WEB, 'stacks/data.yml': DB });
    expect(codes).toEqual([]);
    expect(planned?.plan.stack).toBe('meshc');
    expect(planned?.plan.services.map((s) => [s.stack, s.fullName, s.fwmark, s.vip])).toEqual([
      ['data', 'data_db', 256, '10.0.0.3'],
      ['front', 'front_web', 257, '10.0.0.6'],
    ]);
    expect(Object.keys(planned?.lock.placement ?? {})).toEqual(['data_db.1', 'data_db.2', 'front_web.1']);
    expect(Object.keys(planned?.lock.ports ?? {})).toEqual(['data_db']);
  });

  it('merges a list of files in order, paths relative to the cluster file', () => {
    const files = {
      'deploy/meshc.yml': 'stacks:\n  app: [app.yml, app.prod.yml]\n',
      'deploy/app.yml': WEB,
      'deploy/app.prod.yml': 'services:\n  web:\n    deploy: {replicas: 3}\n',
    };
    const sink = new DiagnosticSink();
    const planned = planFile('deploy/meshc.yml', OPTS, memoryIo(files), sink);
    expect(sink.items).toEqual([]);
    expect(planned?.plan.services[0]?.tasks.length).toBe(3);
    expect(planned?.lockFile).toBe('deploy/meshc.yml.meshc-lock.json');
  });

  it('reports schema problems at their position in the cluster file', () => {
    const { codes, sink } = plan({ 'meshc.yml': 'stacks:\n  app: 3\nnetwork:\n  ingres_subnet: 10.1.0.0/24\n' });
    expect(codes).toEqual(['meshc.yml:2:8 SCHEMA_VIOLATION', 'meshc.yml:4:3 SCHEMA_VIOLATION']);
    expect(sink.items[1]?.message).toContain('ingres_subnet');
  });

  it('refuses a stack name Swarm refuses, at its key', () => {
    const { codes } = plan({ 'meshc.yml': 'stacks:\n  "bad name": a.yml\n', 'a.yml': WEB });
    expect(codes).toEqual(['meshc.yml:2:3 NAME_INVALID']);
  });

  it('reports a missing stack file', () => {
    expect(plan({ 'meshc.yml': clusterYaml(['gone']) }).codes).toEqual(['FILE_NOT_FOUND']);
  });

  it('refuses -f and --stack with a cluster file', () => {
    expect(plan({ 'meshc.yml': clusterYaml(['a']), 'stacks/a.yml': WEB }, undefined, { stack: 'x' }).codes).toEqual(['USAGE']);
  });
});

describe('cross-stack conflicts', () => {
  it('a port two stacks publish is an error at both places, worded as Swarm refuses it', () => {
    const { codes, sink } = plan({ 'meshc.yml': clusterYaml(['proxy', 'shop']), 'stacks/proxy.yml': WEB, 'stacks/shop.yml': WEB.replace('web', 'front') });
    expect(codes).toEqual(['stacks/shop.yml:4:13 PORT_CONFLICT', 'stacks/proxy.yml:4:13 PORT_CONFLICT']);
    expect(sink.items[0]?.message).toBe("port '8080' (tcp) is already in use by service 'proxy_web' as an ingress port");
    expect(sink.items[1]?.message).toBe("port '8080' (tcp) is already in use by service 'shop_front' as an ingress port");
  });

  // Without an inventory there are no placement verdicts (issue 14): Swarm would place the two
  // tasks on different nodes, so a shared host-mode port is no conflict here.
  it('host-mode ports of two stacks may share a number', () => {
    const host = (svc: string) => `services:\n  ${svc}:\n    image: x\n    ports: [{target: 80, published: 8080, mode: host}]\n    deploy: {placement: {constraints: [node.hostname == local]}}\n`;
    expect(plan({ 'meshc.yml': clusterYaml(['a', 'b']), 'stacks/a.yml': host('p'), 'stacks/b.yml': host('q') }).codes).toEqual([]);
  });

  it('two stacks giving one full service name are an error at both services', () => {
    const { codes } = plan({ 'meshc.yml': clusterYaml(['a', 'a_b']), 'stacks/a.yml': 'services:\n  b_c:\n    image: x\n', 'stacks/a_b.yml': 'services:\n  c:\n    image: x\n' });
    expect(codes).toEqual(['stacks/a_b.yml:2:3 CLUSTER_SERVICE_NAME_TAKEN', 'stacks/a.yml:2:3 CLUSTER_SERVICE_NAME_TAKEN']);
  });

  it('two stacks whose x-meshc settings disagree are an error naming both', () => {
    const x = (subnet: string) => `x-meshc:\n  ingress_subnet: ${subnet}\n${WEB.replace('8080', subnet.startsWith('10.1') ? '81' : '82')}`;
    const { codes, sink } = plan({ 'meshc.yml': clusterYaml(['a', 'b']), 'stacks/a.yml': x('10.1.0.0/24'), 'stacks/b.yml': x('10.2.0.0/24') });
    expect(codes).toEqual(['stacks/b.yml:1:1 CLUSTER_SETTING_CONFLICT']);
    expect(sink.items[0]?.message).toContain("stack 'b' is 10.2.0.0/24, but stack 'a' sets 10.1.0.0/24");
    expect(sink.items[0]?.notes?.[0]?.loc?.file).toBe('stacks/a.yml');
  });

  it('agreeing x-meshc settings are fine; the cluster network: wins over them, the inventory over it', () => {
    const x = `x-meshc:\n  ingress_subnet: 10.1.0.0/24\n${WEB}`;
    const base = { 'stacks/a.yml': x, 'stacks/b.yml': x.replace('8080', '81') };
    expect(plan({ ...base, 'meshc.yml': clusterYaml(['a', 'b']) }).planned?.plan.settings.ingressSubnet).toBe('10.1.0.0/24');
    const net = 'network:\n  ingress_subnet: 10.9.0.0/24\n';
    expect(plan({ ...base, 'meshc.yml': clusterYaml(['a', 'b'], net) }).planned?.plan.settings.ingressSubnet).toBe('10.9.0.0/24');
    const inv = 'inventory: inv.yml\n' + net;
    const invText = 'nodes: [{name: n1, address: 192.168.1.1, role: manager}]\nnetwork: {ingress_subnet: 10.7.0.0/24}\n';
    expect(plan({ ...base, 'inv.yml': invText, 'meshc.yml': clusterYaml(['a', 'b'], inv) }).planned?.plan.settings.ingressSubnet).toBe('10.7.0.0/24');
    expect(plan({ ...base, 'inv.yml': invText, 'meshc.yml': clusterYaml(['a', 'b'], inv) }, undefined, { settings: { ingressSubnet: '10.5.0.0/24' } }).planned?.plan.settings.ingressSubnet).toBe('10.5.0.0/24');
  });
});

describe('cluster lock', () => {
  const files = { 'meshc.yml': clusterYaml(['front', 'data']), 'stacks/front.yml': WEB, 'stacks/data.yml': DB };

  it('adopts a per-stack lock when the stack first joins', () => {
    const single = new DiagnosticSink();
    const own = planFile('stacks/data.yml', { ...OPTS, stack: 'data', settings: { fwmarkBase: 900, dynamicPortRange: [31000, 31100] } }, memoryIo(files), single);
    expect(own?.lock.fwmarks).toEqual({ db: 900 });
    const withOwn = { ...files, 'stacks/data.yml.meshc-lock.json': serializeLock(own!.lock) };
    const { planned, codes } = plan(withOwn);
    expect(codes).toEqual([]);
    expect(planned?.lock.fwmarks.data_db).toBe(900);
    expect(planned?.lock.ports.data_db).toEqual(own?.lock.ports.db);
    expect(planned?.lock.ips.vips.data_db).toBe(own?.lock.ips.vips.db);
    // Once in the cluster lock, the stack's own lock is no longer read.
    const again = plan({ ...withOwn, 'stacks/data.yml.meshc-lock.json': '{broken' }, planned!.lock);
    expect(again.codes).toEqual([]);
    expect(again.planned?.lock).toEqual(planned?.lock);
  });

  it('--frozen fails while the cluster lock would change, and passes once it is written', () => {
    expect(plan(files, undefined, { frozen: true }).codes).toEqual(['meshc.yml.meshc-lock.json:1:1 LOCK_STALE']);
    const { planned } = plan(files);
    expect(plan(files, planned!.lock, { frozen: true }).codes).toEqual([]);
  });
});

describe('meshc validate|plan|compile|explain meshc.yml', () => {
  it('accepts the cluster file end to end and writes one lock beside it', async () => {
    const { cpSync, mkdtempSync, existsSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join, resolve } = await import('node:path');
    const { run } = await import('../../src/cli/main.js');
    const dir = mkdtempSync(join(tmpdir(), 'meshc-cluster-'));
    cpSync(join(import.meta.dirname, '../../fixtures/cluster'), dir, { recursive: true, filter: (p) => !p.includes('_expected') && !p.endsWith('-lock.json') });
    const out: string[] = [];
    const io = {
      cwd: dir, env: {}, stdoutIsTTY: false, stderrIsTTY: false,
      stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t),
      readFile: (p: string) => readFileSync(resolve(dir, p)), readStdin: () => Buffer.alloc(0),
    };
    expect(await run(['validate', 'meshc.yml'], io)).toBe(0);
    expect(await run(['validate', '--frozen', 'meshc.yml'], io)).toBe(1);
    expect(await run(['compile', 'meshc.yml', '-o', 'out'], io)).toBe(0);
    expect(existsSync(join(dir, 'meshc.yml.meshc-lock.json'))).toBe(true);
    expect(await run(['validate', '--frozen', 'meshc.yml'], io)).toBe(0);
    out.length = 0;
    expect(await run(['plan', 'meshc.yml'], io)).toBe(0);
    expect(JSON.parse(out.join('')).services.map((s: { fullName: string }) => s.fullName)).toContain('proxy_traefik');
    out.length = 0;
    expect(await run(['explain', 'meshc.yml', 'proxy_traefik:80'], io)).toBe(0);
    expect(out.join('')).toContain('proxy_traefik 80/tcp -> target 80');
    expect(await run(['config', 'meshc.yml'], io)).toBe(2);
  });
});
