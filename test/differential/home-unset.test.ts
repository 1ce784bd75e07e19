/**
 * `~` in bind sources with HOME unset: docker/cli loader.go `expandUser` warns "cannot expand
 * '~', because the environment lacks HOME" once per such volume and keeps the path, which
 * `resolveVolumePaths` then puts under the stack's directory. meshc config must print the same
 * bytes and say the same warning (HOME_UNSET), not fall back to the password database. The
 * fixture headers cannot unset HOME (docker-config.ts gives docker one), hence this file.
 * Skips cleanly where the docker CLI is absent; no daemon is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from './docker-config.js';
import { run } from '../../src/cli/main.js';
import { nodeIo } from '../../src/cli/io.js';
import { titled } from '../support/tools.js';

const STACK = `version: "3.8"
services:
  web:
    image: nginx
    volumes:
      - ~/data:/data
      - type: bind
        source: ~bob/x
        target: /x
      - ./plain:/plain
`;

describe.skipIf(!dockerAvailable)(titled('bind sources with ~ and HOME unset: docker vs meshc', dockerAvailable ? null : 'skipped: needs `docker stack config` (the docker CLI) on PATH'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-home-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps ~ under the stack directory and warns once per volume, as docker does', async () => {
    const file = join(dir, 'stack.yml');
    writeFileSync(file, STACK);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const docker = spawnSync('docker', ['stack', 'config', '-c', file], { encoding: 'utf8', env });
    expect(docker.status, docker.stderr).toBe(0);
    const out: string[] = [];
    const err: string[] = [];
    const io = { ...nodeIo(), env, stdoutIsTTY: false, stderrIsTTY: false, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
    expect(await run(['config', file], io)).toBe(0);
    expect(out.join('')).toBe(docker.stdout);
    expect(docker.stdout).toContain(`source: ${dir}/~/data`);
    const dockerWarnings = docker.stderr.match(/cannot expand '~', because the environment lacks HOME/g) ?? [];
    const meshcWarnings = err.join('').match(/warning HOME_UNSET: cannot expand '~', because the environment lacks HOME/g) ?? [];
    expect(dockerWarnings.length).toBe(2);
    expect(meshcWarnings.length).toBe(dockerWarnings.length);
  });
});
