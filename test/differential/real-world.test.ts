/**
 * Real-world stacks against the docker CLI (issue 14, «Real-world stacks»): every
 * fixtures/real-world/*.yml is a public swarm stack file, unchanged but for a header comment
 * naming its source, commit and licence (fixtures/real-world/LICENSES.md). The files next to
 * them (Caddyfiles, rules, env and secret files) come from the same repositories, so that the
 * stacks' `configs`, `secrets` and `env_file` are there as in their repositories.
 *
 * For every file, with no inventory (as a repository's pre-commit hook runs meshc):
 *  - `meshc config` gives `docker stack config`'s verdict, and where docker prints, the same bytes;
 *  - `meshc validate` accepts exactly what `docker stack deploy` deploys. Docker's verdict is
 *    `docker stack config`'s, plus the deploy-time refusals this corpus meets, each declared
 *    below with its origin in docker/cli or swarmkit, plus the one `docker stack deploy` step
 *    computed here: it reads the file of every secret and config it creates (docker/cli
 *    cli/compose/convert/compose.go `Secrets`/`Configs` → `fileObjectConfig`, `os.ReadFile`),
 *    so a stack copied without its files does not deploy, and meshc validate refuses it with
 *    OBJECT_FILE_UNREADABLE (src/normalize/object-files.ts).
 *
 * Each file runs with an empty environment (docker's verdict on a bare checkout), and those
 * that need variables to load also run with them set, on both sides (ENV below). Each stack
 * that reads companion files also runs alone, copied into an empty directory.
 * Skips cleanly where the docker CLI is absent; no daemon is needed.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerAvailable, dockerConfig, loaderEnv, meshcConfigCli, type CliRun, type Env } from './docker-config.js';
import { run } from '../../src/cli/main.js';
import { nodeIo } from '../../src/cli/io.js';
import { titled } from '../support/tools.js';

const dir = join(import.meta.dirname, '../../fixtures/real-world');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort();

// What the dockerswarm.rocks guides have the reader export before `docker stack deploy`
// (`${DOMAIN?Variable not set}` and the like: without them docker's loader refuses the file,
// and so must meshc, which the empty-environment run checks). HASHED_PASSWORD holds `$`s, as
// an htpasswd hash does: interpolated values are not interpolated again, on either side.
const GUIDE_ENV: Env = {
  DOMAIN: 'example.com',
  EMAIL: 'admin@example.com',
  USERNAME: 'admin',
  ADMIN_USER: 'admin',
  HASHED_PASSWORD: '$apr1$8Mr7Tg2D$Ls7ZcXkq1W5.mYHH1bPGS/',
};

/** Files run a second time with this environment on both sides. */
const ENV: Readonly<Record<string, Env>> = {
  ...Object.fromEntries(files.filter((f) => f.startsWith('dockerswarm-rocks-')).map((f) => [f, GUIDE_ENV])),
  'swarmprom-traefik.yml': GUIDE_ENV,
  // Written for Play with Docker, whose shell exports HOSTNAME: `node.hostname == ${HOSTNAME}`.
  // Unset, the constraint is `node.hostname == ` and swarmkit refuses it (DEPLOY_REFUSALS).
  'vegasbrianc-prometheus-pwd-stack.yml': { HOSTNAME: 'node1' },
};

/**
 * Refusals of `docker stack deploy` that `docker stack config` does not make: meshc validate
 * must refuse with this code. `when` limits one to the environments it holds in.
 */
const DEPLOY_REFUSALS: Readonly<Record<string, { code: string; origin: string; when?: (env: Env) => boolean }>> = {
  // The repository's compose file for building the image (`build: .`, no `image`).
  'visualizer-stack.yml': { code: 'IMAGE_MISSING', origin: 'docker/cli cli/command/stack/loader.go `LoadComposefile`: "invalid image reference for service viz: no image specified"' },
  'vegasbrianc-prometheus-pwd-stack.yml': {
    code: 'CONSTRAINT_INVALID',
    origin: 'swarmkit manager/constraint/constraint.go `Parse` (via controlapi `validatePlacement`): an empty value is not in its alphabet',
    when: (env) => !env.HOSTNAME,
  },
};

interface Case {
  readonly name: string;
  readonly file: string;
  readonly env: Env;
  /** Run on a copy of the file alone in an empty directory, without its companion files. */
  readonly alone: boolean;
}

// The stacks that read files beside them (configs, secrets, env_file).
const withCompanions = files.filter((f) => /^\s+(file|env_file):/m.test(readFileSync(join(dir, f), 'utf8')));

const cases: Case[] = files.flatMap((file) => {
  const envs: [string, Env][] = [['empty environment', {}], ...(ENV[file] ? [[`${Object.keys(ENV[file]!).join(', ')} set`, ENV[file]!] as [string, Env]] : [])];
  return envs.flatMap(([what, env]) => [
    { name: `${file} (${what})`, file, env, alone: false },
    ...(withCompanions.includes(file) ? [{ name: `${file} (${what}, alone)`, file, env, alone: true }] : []),
  ]);
});

const scratch: string[] = [];

function pathOf(c: Case): string {
  if (!c.alone) return join(dir, c.file);
  const tmp = mkdtempSync(join(tmpdir(), 'meshc-rw-'));
  scratch.push(tmp);
  const copy = join(tmp, c.file);
  copyFileSync(join(dir, c.file), copy);
  return copy;
}

/** Secret and config files `docker stack deploy` would read and cannot: paths as docker printed them (absolute). */
function unreadableObjectFiles(stdout: string): string[] {
  const config = parse(stdout) as Record<string, Record<string, { file?: string; external?: boolean; driver?: string }> | undefined>;
  const missing: string[] = [];
  for (const kind of ['secrets', 'configs']) {
    for (const obj of Object.values(config[kind] ?? {})) {
      if (obj.external || (kind === 'secrets' && obj.driver) || typeof obj.file !== 'string') continue;
      if (!existsSync(obj.file) || !statSync(obj.file).isFile()) missing.push(obj.file);
    }
  }
  return missing;
}

/** `meshc validate FILE --format json` in-process, with no inventory and `loaderEnv(env)` as the whole environment. */
async function meshcValidate(file: string, env: Env): Promise<CliRun & { errors: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { ...nodeIo(), env: loaderEnv(env), stdoutIsTTY: false, stderrIsTTY: false, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
  const code = await run(['validate', '--format', 'json', file], io);
  const stdout = out.join('');
  const report = stdout.trim() ? (JSON.parse(stdout) as { diagnostics?: { code: string; severity: string; message: string }[] }) : {};
  const errors = (report.diagnostics ?? []).filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  return { code, stdout, stderr: err.join(''), errors };
}

describe.skipIf(!dockerAvailable)(titled('real-world stacks: docker vs meshc', dockerAvailable ? null : 'skipped: needs `docker stack config` (the docker CLI) on PATH'), () => {
  afterAll(() => {
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it('has at least 20 public stacks', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('meshc config $name', async (c) => {
    const { env } = c;
    const path = pathOf(c);
    const docker = dockerConfig([path], env);
    const meshc = await meshcConfigCli([path], env);
    expect(meshc.code, `meshc config stderr: ${meshc.stderr}\ndocker: ${docker.ok ? 'accepted' : docker.stderr.trim()}`).toBe(docker.ok ? 0 : 1);
    if (!docker.ok) return expect(meshc.stdout).toBe('');
    expect(meshc.stdout).toBe(docker.stdout);
  });

  it.each(cases)('meshc validate $name', async (c) => {
    const { file, env } = c;
    const path = pathOf(c);
    const docker = dockerConfig([path], env);
    const refusal = DEPLOY_REFUSALS[file];
    const declared = refusal && (!refusal.when || refusal.when(env)) ? refusal : undefined;
    const unreadable = docker.ok ? unreadableObjectFiles(docker.stdout) : [];
    const deploys = docker.ok && !declared && unreadable.length === 0;
    const meshc = await meshcValidate(path, env);
    const why = `docker: ${!docker.ok ? docker.stderr.trim() : declared ? `deploy refuses (${declared.origin})` : unreadable.length ? `deploy cannot read ${unreadable.join(', ')}` : 'deploys'}\nmeshc: ${meshc.errors.join('\n') || 'accepts'}`;
    expect(meshc.code, why).toBe(deploys ? 0 : 1);
    if (declared) expect(meshc.errors.map((e) => e.split(':')[0]), why).toContain(declared.code);
    // Each file docker stack deploy cannot read, named at its file: value.
    if (docker.ok && !declared) {
      const named = meshc.errors.filter((e) => e.startsWith('OBJECT_FILE_UNREADABLE:'));
      expect(named.length, why).toBe(unreadable.length);
      for (const f of unreadable) expect(named.join('\n'), why).toContain(f);
    }
  });
});
