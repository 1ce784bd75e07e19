/**
 * Host side of the VM suite: compiles plans with meshc's real pipeline into a scenario
 * folder (one sub-folder per plan "variant": the output tree plus a topology file the
 * guest's lib.sh reads), boots the QEMU VM once over the folder (scripts/vm/run.sh),
 * and parses what the guest reported on its second serial port.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { Plan } from '../../src/model/plan.js';
import { compilePlan } from '../../src/pipeline.js';
import { run } from '../../src/cli/main.js';
import { nodeIo } from '../../src/cli/io.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');

export interface VmResult {
  readonly checks: ReadonlyMap<string, { readonly ok: boolean; readonly detail: string }>;
  readonly metrics: ReadonlyMap<string, string>;
  readonly raw: string;
  readonly console: string;
}

/** Why the VM suite cannot run here, or null when it can (root, QEMU, apt for the kernel). */
export function vmUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const tool of ['qemu-system-x86_64', 'busybox', 'cpio', 'socat', 'ipvsadm', 'apt-get']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  }
  return null;
}

/**
 * The same for the nftables dataplane's scenarios: the initramfs takes this machine's nft
 * (Debian 12's 1.0.6) and conntrack only when they are installed (build-initramfs.sh).
 */
export function nftVmUnavailable(): string | null {
  const why = vmUnavailable();
  if (why) return why;
  for (const tool of ['nft', 'conntrack']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool} (packages nftables, conntrack)`;
  }
  return null;
}

/** A fresh scenario folder holding lib.sh and the named guest scripts from test/vm/scenarios. */
export function scenarioDir(scripts: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-vm-'));
  for (const name of ['lib.sh', ...scripts]) copyFileSync(join(here, 'scenarios', name), join(dir, name));
  const main = ['#!/bin/bash', 'cd /scenario', ...scripts.map((s) => `bash /scenario/${s}`), 'source /scenario/lib.sh', 'kill_all', ''];
  writeFileSync(join(dir, 'main.sh'), main.join('\n'));
  chmodSync(join(dir, 'main.sh'), 0o755);
  return dir;
}

/** Compiles `plan` with meshc into `<dir>/<name>/` (its output tree) plus `topo.txt`. */
export async function writeVariant(dir: string, name: string, plan: Plan): Promise<void> {
  const sink = new DiagnosticSink();
  const result = await compilePlan(plan, sink);
  if (!result) throw new Error(`compile of ${name} failed: ${sink.items.map((d) => d.message).join('; ')}`);
  const root = join(dir, name);
  for (const file of result.files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    chmodSync(path, file.mode);
  }
  writeFileSync(join(root, 'topo.txt'), topology(plan));
}

/**
 * Compiles a stack file with meshc's own CLI (`meshc compile STACK -i INVENTORY -o DIR`,
 * in-process) into `<dir>/<name>/`, plus `topo.txt` from the plan it wrote.
 */
export async function writeStackVariant(dir: string, name: string, stack: string, inventory: string, stackName: string): Promise<Plan> {
  const work = mkdtempSync(join(tmpdir(), 'meshc-stack-'));
  const stackCopy = join(work, 'stack.yml');
  copyFileSync(join(here, 'stacks', stack), stackCopy);
  const root = join(dir, name);
  let stderr = '';
  const io = { ...nodeIo(), stdout: () => undefined, stderr: (t: string) => void (stderr += t) };
  const code = await run(['compile', stackCopy, '-i', join(here, 'stacks', inventory), '-o', root, '--stack', stackName], io);
  if (code !== 0) throw new Error(`meshc compile ${stack} exited ${code}: ${stderr}`);
  const plan = JSON.parse(readFileSync(join(root, 'plan.json'), 'utf8')) as Plan;
  writeFileSync(join(root, 'topo.txt'), topology(plan));
  return plan;
}

/**
 * Compiles successive versions of one stack (`[variant, file in stacks/]`, in order) with
 * meshc's own CLI in one working folder, as commits of a repository would be: the lock
 * file beside the stack carries every allocation from one version to the next. `args` are
 * passed to every compile (e.g. `--dataplane nftables`). Returns the plans it wrote.
 */
export async function writeStackVersions(
  dir: string,
  versions: readonly (readonly [string, string])[],
  inventory: string,
  stackName: string,
  args: readonly string[] = [],
  options: TopologyOptions = {},
): Promise<Plan[]> {
  const work = mkdtempSync(join(tmpdir(), 'meshc-stack-'));
  const stackCopy = join(work, 'stack.yml');
  const plans: Plan[] = [];
  for (const [name, stack] of versions) {
    copyFileSync(join(here, 'stacks', stack), stackCopy);
    const root = join(dir, name);
    let stderr = '';
    const io = { ...nodeIo(), stdout: () => undefined, stderr: (t: string) => void (stderr += t) };
    const code = await run(['compile', stackCopy, '-i', join(here, 'stacks', inventory), '-o', root, '--stack', stackName, ...args], io);
    if (code !== 0) throw new Error(`meshc compile ${stack} ${args.join(' ')} exited ${code}: ${stderr}`);
    const plan = JSON.parse(readFileSync(join(root, 'plan.json'), 'utf8')) as Plan;
    writeFileSync(join(root, 'topo.txt'), topology(plan, options));
    plans.push(plan);
  }
  return plans;
}

/** How `topology` names services and which servers it asks the guest for. */
export interface TopologyOptions {
  /** Name services by their full name (`stack_service`): a cluster has one `web` per stack. */
  readonly fullNames?: boolean;
  /** Services whose TCP servers keep a connection open and echo what they get (`hold:`). */
  readonly hold?: readonly string[];
}

/**
 * `node NAME ADDRESS`, `task NODE TASK proto:target...` (servers to start), `svc NAME
 * TASK...` and `port NAME proto published` (what the probes expect), for lib.sh. A TCP
 * target that an HTTP health check probes is `http:` (the server answers HTTP 200), one of
 * a `hold` service is `hold:`.
 */
export function topology(plan: Plan, options: TopologyOptions = {}): string {
  const lines = plan.nodes.map((n) => `node ${n.name} ${n.address}`);
  for (const svc of plan.services) {
    const ingress = svc.ports.filter((p) => p.mode === 'ingress');
    if (ingress.length === 0 || svc.fwmark === null) continue;
    const name = options.fullNames ? svc.fullName : svc.name;
    const kind = (p: { protocol: string; target: number }) => {
      if (p.protocol !== 'tcp') return p.protocol;
      if (options.hold?.includes(name)) return 'hold';
      return svc.health?.kind === 'http' && (svc.health.port ?? p.target) === p.target ? 'http' : 'tcp';
    };
    const targets = [...new Set(ingress.map((p) => `${kind(p)}:${p.target}`))].sort();
    const tasks = svc.tasks.filter((t) => t.ip !== null);
    for (const t of tasks) lines.push(`task ${t.node} ${t.name} ${targets.join(' ')}`);
    lines.push(`svc ${name} ${tasks.map((t) => t.name).join(' ')}`.trimEnd());
    for (const p of ingress) lines.push(`port ${name} ${p.protocol} ${p.published}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Compiles a cluster file (issue 12: `meshc compile meshc.yml -o DIR`, in-process, with
 * the inventory and lock the cluster file names) into `<dir>/<name>/`, plus `topo.txt`
 * with full service names. Returns the plan it wrote, or throws with meshc's stderr.
 */
export async function writeClusterVariant(dir: string, name: string, clusterFile: string, options: TopologyOptions = {}): Promise<Plan> {
  const root = join(dir, name);
  let stderr = '';
  const io = { ...nodeIo(), cwd: dirname(clusterFile), stdout: () => undefined, stderr: (t: string) => void (stderr += t) };
  const code = await run(['compile', clusterFile, '-o', root], io);
  if (code !== 0) throw new Error(`meshc compile ${clusterFile} exited ${code}: ${stderr}`);
  const plan = JSON.parse(readFileSync(join(root, 'plan.json'), 'utf8')) as Plan;
  writeFileSync(join(root, 'topo.txt'), topology(plan, { fullNames: true, ...options }));
  return plan;
}

/** Boots the VM over `dir` and returns the guest's checks and metrics. */
export function bootVm(dir: string, backend: 'legacy' | 'nft' = 'legacy'): VmResult {
  const results = join(dir, '..', `${dir.split('/').pop()}.results`);
  const run = spawnSync('bash', [join(ROOT, 'scripts/vm/run.sh'), dir, results, backend], { encoding: 'utf8' });
  const raw = safeRead(results);
  const console = safeRead(`${results}.console`);
  if (run.status !== 0) throw new Error(`VM run failed: ${run.stderr}\n--- results\n${raw}\n--- console tail\n${console.slice(-4000)}`);
  return { ...parseResults(raw), raw, console };
}

/**
 * The same, without blocking: QEMU under TCG uses one core per VM, so on a 2-core machine
 * two boots side by side take the time of one. At most MESHC_VM_PARALLEL (default 2) run at once.
 */
export async function bootVmQueued(dir: string, backend: 'legacy' | 'nft' = 'legacy'): Promise<VmResult> {
  while (running >= MAX_PARALLEL) await new Promise<void>((wake) => waiting.push(wake));
  running++;
  try {
    const results = join(dir, '..', `${dir.split('/').pop()}.results`);
    const { status, stderr } = await runAsync('bash', [join(ROOT, 'scripts/vm/run.sh'), dir, results, backend]);
    const raw = safeRead(results);
    const console = safeRead(`${results}.console`);
    if (status !== 0) throw new Error(`VM run failed: ${stderr}\n--- results\n${raw}\n--- console tail\n${console.slice(-4000)}`);
    return { ...parseResults(raw), raw, console };
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const MAX_PARALLEL = Math.max(1, Number(process.env.MESHC_VM_PARALLEL ?? 2) || 1);
let running = 0;
const waiting: (() => void)[] = [];

function runAsync(cmd: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/**
 * Starts `run` now (queued behind other boots) and returns its promise, marked handled so
 * a failure surfaces in the beforeAll that awaits it, not as an unhandled rejection.
 */
export function startEarly<T>(run: () => Promise<T>): Promise<T> {
  const p = run();
  p.catch(() => undefined);
  return p;
}

export function parseResults(raw: string): Pick<VmResult, 'checks' | 'metrics'> {
  const checks = new Map<string, { ok: boolean; detail: string }>();
  const metrics = new Map<string, string>();
  for (const line of raw.split(/\r?\n/)) {
    const check = /^CHECK (\S+) (ok|fail) ?(.*)$/.exec(line);
    if (check) checks.set(check[1]!, { ok: check[2] === 'ok', detail: check[3] ?? '' });
    const metric = /^METRIC (\S+) (.*)$/.exec(line);
    if (metric) metrics.set(metric[1]!, metric[2]!);
  }
  return { checks, metrics };
}

/** Ensures kernel and initramfs are cached before the timed part of a suite. */
export function prepareVm(): void {
  execFileSync('bash', [join(ROOT, 'scripts/vm/build-initramfs.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function listChecks(result: VmResult, prefix: string): string[] {
  return [...result.checks.keys()].filter((k) => k.startsWith(prefix));
}

