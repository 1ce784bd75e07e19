/**
 * The two sides of the differential test: `docker stack config` (the reference) and
 * meshc's front end (readComposeFile → mergeDocuments → normalizeStack), each reduced to
 * a verdict and the normalised ports per service.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { loadDocument } from '../../src/pipeline.js';
import { normalizeStack } from '../../src/normalize/normalize-stack.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import type { ComposeDocument } from '../../src/model/compose.js';

export type Env = Readonly<Record<string, string>>;
/** `published->target/protocol/mode`, sorted as swarm.PortConfig.Compare sorts them. */
export type PortsByService = Record<string, string[]>;

export const dockerAvailable = spawnSync('docker', ['stack', 'config', '--help'], { encoding: 'utf8' }).status === 0;

export interface DockerResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The loader's environment on both sides: `env`, over the HOME docker needs anyway (the
 * loader expands `~` in bind sources from it, docker/cli loader.go `expandUser`).
 */
export function loaderEnv(env: Env): Env {
  return { HOME: process.env.HOME ?? '/root', ...env };
}

export function dockerConfig(files: readonly string[], env: Env): DockerResult {
  const args = ['stack', 'config', ...files.flatMap((f) => ['-c', f])];
  // Generous buffers: docker warns once per port, and a range may hold thousands.
  const r = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { PATH: process.env.PATH ?? '', ...loaderEnv(env) } });
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
}

// The daemon's reading of the loader's strings: '' or unknown → tcp/ingress, case folded.
function daemonPort(p: Record<string, unknown>): [number, number, string, string] {
  const proto = String(p.protocol ?? '').toLowerCase();
  const mode = String(p.mode ?? '').toLowerCase();
  return [Number(p.published ?? 0), Number(p.target ?? 0), proto === 'udp' || proto === 'sctp' ? proto : 'tcp', mode === 'host' ? 'host' : 'ingress'];
}

function sortedPorts(ports: [number, number, string, string][]): string[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...ports]
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || cmp(a[2], b[2]) || cmp(a[3], b[3]))
    .map(([pub, target, proto, mode]) => `${pub}->${target}/${proto}/${mode}`);
}

export function dockerPorts(stdout: string): PortsByService {
  const config = parse(stdout) as { services?: Record<string, { ports?: Record<string, unknown>[] }> };
  const out: PortsByService = {};
  for (const [name, svc] of Object.entries(config.services ?? {})) out[name] = sortedPorts((svc.ports ?? []).map(daemonPort));
  return out;
}

export interface MeshcResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly ports: PortsByService;
  readonly doc?: ComposeDocument;
}

import { buildPlan } from '../../src/plan/build-plan.js';
import { LOCAL_INVENTORY } from '../../src/driver/read-inventory.js';
import { run } from '../../src/cli/main.js';
import { nodeIo } from '../../src/cli/io.js';

export function meshcConfig(files: readonly string[], env: Env): MeshcResult {
  const sink = new DiagnosticSink();
  const doc = loadDocument({ files }, { readFile: (f) => readFileSync(f), env: loaderEnv(env) }, sink);
  const stack = doc ? normalizeStack(doc, { stackName: 'difftest' }, sink) : undefined;
  // `meshc validate` also runs the planner (with no inventory: one local node), where the
  // checks that depend on settings in force live (PORT_RESERVED follows the VXLAN port).
  if (stack && !sink.hasErrors()) buildPlan(stack, LOCAL_INVENTORY, {}, sink);
  const ports: PortsByService = {};
  for (const s of stack?.services ?? []) ports[s.name] = sortedPorts(s.ports.map((p) => [p.published, p.target, p.protocol, p.mode]));
  const ok = !!stack && !sink.hasErrors();
  return { ok, diagnostics: sink.items, ports, ...(doc ? { doc } : {}) };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `meshc config FILE [-f OVERRIDE]…` in-process, on the real files, with `loaderEnv(env)` as the whole environment. */
export async function meshcConfigCli(files: readonly string[], env: Env): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { ...nodeIo(), env: loaderEnv(env), stdoutIsTTY: false, stderrIsTTY: false, stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) };
  const argv = ['config', files[0]!, ...files.slice(1).flatMap((f) => ['-f', f])];
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
