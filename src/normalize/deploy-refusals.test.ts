// What docker stack deploy refuses after docker stack config accepted it (docker/cli convert, moby, swarmkit controlapi).
import { describe, expect, it } from 'vitest';
import { cpusProblem, imageProblem } from './deploy-refusals.js';
import { ramInBytes } from './sizes.js';
import { ramInBytesProblem } from '../validate/loader-checks.js';
import { normalizeYaml } from './testing/run.js';

describe('deploy-time refusals', () => {
  it.each([
    ['0.5', undefined],
    ['1/2', undefined],
    ['1e-3', undefined],
    ['abc', 'failed to parse abc as a rational number'],
    ['0.0000000001', 'value is too precise'],
    ['0.0001', 'invalid cpu value 0.0001: Must be at least 0.001'],
    ['0', undefined],
  ])('cpus %s', (v, why) => expect(cpusProblem(v)).toBe(why));

  it.each([
    ['nginx', undefined],
    ['nginx:1.27-alpine', undefined],
    ['registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64), undefined],
    ['NGINX', 'repository name must be lowercase'],
    ['ngïnx', 'invalid reference format'],
    ['a'.repeat(256), 'repository name must not be more than 255 characters'],
  ])('image %s', (v, why) => expect(imageProblem(v)).toBe(why));

  it('reads go-units sizes as docker does', () => {
    expect([ramInBytes('4m'), ramInBytes('1.5GiB'), ramInBytes('10 kb'), ramInBytes('10x')]).toEqual([4 * 1024 ** 2, 1.5 * 1024 ** 3, 10240, undefined]);
    expect([ramInBytesProblem('10x'), ramInBytesProblem('10mbb'), ramInBytesProblem('m'), ramInBytesProblem('64M')]).toEqual([
      "invalid suffix: 'x'",
      "invalid suffix: 'mbb'",
      "invalid size: 'm'",
      undefined,
    ]);
  });

  it('reports each refusal at its key', () => {
    const r = normalizeYaml(`services:
  a:
    image: x
    deploy:
      restart_policy: {condition: always}
      update_config: {failure_action: explode, max_failure_ratio: 2}
      resources: {limits: {memory: 1024}}
secrets:
  s: {labels: {a: b}}
`);
    expect(r.codes).toEqual(['9:3 DEPLOY_REFUSED', '7:36 DEPLOY_REFUSED', '5:35 DEPLOY_REFUSED', '6:39 DEPLOY_REFUSED', '6:67 DEPLOY_REFUSED']);
    expect(r.items.every((d) => d.message.endsWith('(docker stack config accepts this; docker stack deploy refuses it)'))).toBe(true);
  });

  it('refuses duplicate mount points and file targets, and negative restart and update durations', () => {
    const r = normalizeYaml(`services:
  a:
    image: x
    volumes: [data:/data, "x:/data", {type: bind, source: /srv, target: /data}]
    secrets: [{source: s, target: k}, {source: k}]
    deploy:
      restart_policy: {delay: -1s}
      update_config: {monitor: -2s}
      rollback_config: {delay: -1s}
volumes:
  data:
secrets:
  s: {file: ./s}
  k: {file: ./k, name: real_k}
`);
    expect(r.items.map((d) => d.message.replace(/ \(docker stack config.*$/, ''))).toEqual([
      'ContainerSpec: duplicate mount point: /data',
      'duplicate secret target for real_k not allowed',
      'TaskSpec: restart-delay cannot be negative',
      'TaskSpec: update-monitor cannot be negative',
    ]);
  });
});
