/**
 * Differential test against the docker CLI (docs/architecture.md, «The test ladder», level 2): for every stack in
 * fixtures/differential/*.yml (plus `<name>.override.yml` as a second `-c` file when it
 * exists), `docker stack config` and meshc must agree on accept/reject, and for accepted
 * stacks on the normalised ports of every service. A first-line comment declares where
 * meshc is deliberately stricter than docker's loader:
 *   # meshc: stricter CODE      docker accepts, meshc must reject with CODE (a deploy-time
 *                               refusal of `docker stack deploy` or swarmkit, or a mesh that cannot work)
 *   # meshc: warns CODE         both accept; meshc must warn with CODE (Swarm silently does
 *                               something surprising; meshc says what and compiles exactly that)
 *   # meshc: env NAME=value     environment for both sides (interpolation)
 *   # meshc: config-differs WHY `meshc config` output may differ from docker's (say why)
 * For every stack both accept, `meshc config` must print exactly what docker prints.
 * Skips cleanly where the docker CLI is absent; no daemon is needed.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerAvailable, dockerConfig, dockerPorts, meshcConfig, meshcConfigCli, type Env } from './docker-config.js';
import { titled } from '../support/tools.js';

const dir = join(import.meta.dirname, '../../fixtures/differential');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yml') && !f.endsWith('.override.yml')).sort();

interface Header {
  readonly stricter?: string;
  readonly warns?: string;
  readonly configDiffers?: string;
  readonly env: Env;
}

function header(file: string): Header {
  const env: Record<string, string> = {};
  let stricter: string | undefined;
  let configDiffers: string | undefined;
  let warns: string | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^# meshc: (stricter|warns|env|config-differs) (.+)$/.exec(line);
    if (!m) {
      if (line.startsWith('#')) continue; // a source or licence comment
      break;
    }
    if (m[1] === 'stricter') stricter = m[2]!.trim();
    else if (m[1] === 'warns') warns = m[2]!.trim();
    else if (m[1] === 'config-differs') configDiffers = m[2]!.trim();
    else for (const kv of m[2]!.trim().split(/\s+/)) env[kv.split('=')[0]!] = kv.slice(kv.indexOf('=') + 1);
  }
  return { env, ...(stricter ? { stricter } : {}), ...(warns ? { warns } : {}), ...(configDiffers ? { configDiffers } : {}) };
}

function filesOf(name: string): string[] {
  const override = join(dir, name.replace(/\.yml$/, '.override.yml'));
  return existsSync(override) ? [join(dir, name), override] : [join(dir, name)];
}

describe.skipIf(!dockerAvailable)(titled('docker stack config vs meshc', dockerAvailable ? null : 'skipped: needs `docker stack config` (the docker CLI) on PATH'), () => {
  it('has a corpus of at least 60 stacks', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases)('%s', (name) => {
    const files = filesOf(name);
    const { stricter, warns, env } = header(files[0]!);
    const docker = dockerConfig(files, env);
    const meshc = meshcConfig(files, env);
    const errors = meshc.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
    if (stricter) {
      expect(docker.ok, `docker should accept (declared stricter): ${docker.stderr}`).toBe(true);
      expect(errors.map((e) => e.split(':')[0])).toContain(stricter);
      return;
    }
    expect({ ok: meshc.ok, errors }, `docker: ${docker.ok ? 'accepted' : docker.stderr.trim()}`).toMatchObject({ ok: docker.ok });
    if (warns) expect(meshc.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code)).toContain(warns);
    if (!docker.ok) return;
    expect(meshc.ports).toEqual(dockerPorts(docker.stdout));
    // The same host-IP warnings, word for word (meshc adds why after docker's sentence).
    const dockerWarnings = [...docker.stderr.matchAll(/msg="(ignoring IP-address [^"]*)"/g)].map((m) => m[1]);
    // meshc says a repeated warning at one place once, with a count (issue 13: a range of
    // 55,000 ports must not print 55,000 lines): the same number of warnings, each a docker one.
    const meshcHostIp = meshc.diagnostics.filter((d) => d.code === 'PORT_HOST_IP_IGNORED');
    const meshcWarnings = meshcHostIp.map((d) => d.message.replace(/ \(as docker.*$/, ''));
    expect(meshcHostIp.reduce((n, d) => n + (d.count ?? 1), 0)).toBe(dockerWarnings.length);
    for (const w of meshcWarnings) expect(dockerWarnings).toContain(w);
  });

  // `meshc config` is `docker stack config`: the same verdict (what only docker stack deploy
  // refuses is a warning on stderr, exit 0) and, where docker prints, the same bytes.
  it.each(cases)('meshc config %s', async (name) => {
    const files = filesOf(name);
    const { configDiffers, env } = header(files[0]!);
    const docker = dockerConfig(files, env);
    const meshc = await meshcConfigCli(files, env);
    expect(meshc.code, `meshc config stderr: ${meshc.stderr}\ndocker: ${docker.ok ? 'accepted' : docker.stderr.trim()}`).toBe(docker.ok ? 0 : 1);
    if (!docker.ok) return expect(meshc.stdout).toBe('');
    if (configDiffers) return;
    expect(meshc.stdout).toBe(docker.stdout);
  });
});
