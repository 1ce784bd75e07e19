#!/usr/bin/env node
/**
 * Start-up and validation latency of `meshc validate` (a pre-commit hook runs it on every
 * commit). Every command is timed as a fresh process, the commands alternate round by
 * round so machine load hits them alike, and each figure is the median of N rounds,
 * printed with its ratio to `node -e 0` measured in the same run. Needs `npm run build`.
 *
 *   node bench/validate.mjs [--rounds N]
 *
 * Inputs: the seed stack; a batch of 50 files in one call; a generated 1,000-service
 * stack. `docker stack config -c` runs on the same inputs when docker is installed (the
 * batch as 50 calls: docker takes one stack per call).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
// MESHC_BIN: time another build of the CLI (e.g. one in .cache/) instead of bin/meshc.js + dist/.
const MESHC = process.env.MESHC_BIN ?? join(root, 'bin/meshc.js');
const SEED = join(root, 'fixtures/seed/stack.yml');

function which(cmd) {
  return (process.env.PATH ?? '').split(delimiter).map((d) => join(d, cmd)).find((p) => existsSync(p));
}

/** A stack with `n` services, each publishing one port, the way a large real stack looks. */
function bigStack(n) {
  // Swarm's default /24 ingress subnet holds 253 addresses; 1,000 services need a larger one.
  const lines = ['version: "3.8"', 'x-meshc: {ingress_subnet: 10.0.0.0/20}', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  svc${i}:`, '    image: nginx:1.27', '    ports:', `      - "${20000 + i}:80"`);
    lines.push('    environment:', `      ROLE: worker-${i}`, '    deploy:', '      replicas: 2', '      update_config: {parallelism: 1, delay: 10s}');
  }
  return `${lines.join('\n')}\n`;
}

function inputs() {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-bench-'));
  const seed = readFileSync(SEED, 'utf8');
  const batch = Array.from({ length: 50 }, (_v, i) => {
    const f = join(dir, `stack${i}.yml`);
    writeFileSync(f, seed.replace(/"8888:/g, `"${10000 + i}:`));
    return f;
  });
  const big = join(dir, 'big.yml');
  writeFileSync(big, bigStack(1000));
  return { batch, big };
}

/** Wall time of one run in ms; the exit code must be the expected one, or the figure means nothing. */
function time(cmd, args, okCodes = [0]) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** The front end alone (read, parse, interpolate, schema) on `file`: meshc's share of `validate`, without the CLI and planner. */
function frontEndScript(file) {
  const dist = resolve(dirname(MESHC), '../dist');
  const url = (p) => JSON.stringify(pathToFileURL(join(dist, p)).href);
  return [
    `import { readFileSync } from 'node:fs';`,
    `const { readComposeFile } = await import(${url('validate/read-compose.js')});`,
    `const { DiagnosticSink } = await import(${url('diagnostics/types.js')});`,
    `const sink = new DiagnosticSink();`,
    `readComposeFile(${JSON.stringify(file)}, { readFile: (p) => readFileSync(p), env: process.env }, sink);`,
    `process.exitCode = sink.hasErrors() ? 1 : 0;`,
  ].join('\n');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main() {
  if (!process.env.MESHC_BIN && !existsSync(join(root, 'dist/cli/main.js'))) {
    process.stderr.write('bench/validate: dist/ is missing; run `npm run build` first\n');
    process.exit(2);
  }
  const { batch, big } = inputs();
  const docker = which('docker');
  const node = process.execPath;
  const cases = [
    ['node -e 0', () => time(node, ['-e', '0'])],
    ['front end only (readComposeFile) seed', () => time(node, ['--input-type=module', '-e', frontEndScript(SEED)])],
    ['meshc validate seed', () => time(node, [MESHC, 'validate', SEED])],
    ['meshc validate 50 files (one call)', () => time(node, [MESHC, 'validate', ...batch])],
    ['meshc validate 1,000 services', () => time(node, [MESHC, 'validate', big])],
  ];
  if (docker) {
    cases.push(['docker stack config seed', () => time(docker, ['stack', 'config', '-c', SEED])]);
    cases.push(['docker stack config 50 files (50 calls)', () => batch.reduce((t, f) => t + time(docker, ['stack', 'config', '-c', f]), 0)]);
    cases.push(['docker stack config 1,000 services', () => time(docker, ['stack', 'config', '-c', big])]);
  }
  const samples = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) cases.forEach(([, run], i) => samples[i].push(run()));
  const base = median(samples[0]);
  process.stdout.write(`rounds: ${ROUNDS} (median wall time, fresh process each)${docker ? '' : '; docker not found: docker rows skipped'}\n`);
  cases.forEach(([name], i) => {
    const m = median(samples[i]);
    process.stdout.write(`${name.padEnd(42)} ${m.toFixed(1).padStart(8)} ms   ${(m / base).toFixed(2)}x node -e 0\n`);
  });
}

main();
