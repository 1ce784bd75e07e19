#!/usr/bin/env node
/**
 * Start-up and validation cost of `meshc validate` (a pre-commit hook runs it on every
 * commit), issue 18's figures. Every command is a fresh process; the commands alternate
 * round by round so machine load hits them alike; each figure is the median of its rounds,
 * printed as a ratio to its baseline measured in the same run:
 *   - the seed stack (and 50 files in one call) against `node -e 0` (Node's floor; target
 *     <= 1.3x), with the unbundled modules (dist/cli/main.js) as the before-figure;
 *   - 1,000 and 10,000 services (a tcp and a udp port each) against `docker stack config -c`
 *     on the same file (docker's Go loader; target < 1x), and meshc's own growth 1k -> 10k
 *     (target <= 11x for 10x the services).
 * Peak RSS (median) comes from GNU time (/usr/bin/time) when it is installed. Needs
 * `npm run build`. A benchmark prints; it never asserts.
 *
 *   node bench/validate.mjs [--rounds N] [--big-rounds N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const bigArg = process.argv.indexOf('--big-rounds');
const BIG_ROUNDS = bigArg > 0 ? Number(process.argv[bigArg + 1]) : 3;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
// MESHC_BIN: time another build of the CLI (e.g. one in .cache/) instead of bin/meshc.js + dist/.
const MESHC = process.env.MESHC_BIN ?? join(root, 'bin/meshc.js');
const SEED = join(root, 'fixtures/seed/stack.yml');

function which(cmd) {
  return (process.env.PATH ?? '').split(delimiter).map((d) => join(d, cmd)).find((p) => existsSync(p));
}

/** A stack with `n` services, each publishing a tcp and a udp port, the way a large real stack looks. */
function bigStack(n) {
  // Swarm's default /24 ingress subnet holds 253 addresses; 10,000 services need a larger one.
  const lines = ['version: "3.8"', 'x-meshc: {ingress_subnet: 10.0.0.0/16}', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  svc${i}:`, '    image: nginx:1.27', '    ports:', `      - "${20000 + i}:80/tcp"`, `      - "${20000 + i}:53/udp"`);
    lines.push('    environment:', `      ROLE: worker-${i}`, '    deploy:', '      replicas: 3', '      update_config: {parallelism: 1, delay: 10s}');
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
  const huge = join(dir, 'huge.yml');
  writeFileSync(huge, bigStack(10000));
  // The CLI before bundling: the same dist/, its modules imported one by one.
  const modules = join(dir, 'modules.mjs');
  writeFileSync(modules, `import(${JSON.stringify(pathToFileURL(resolve(dirname(MESHC), '../dist/cli/main.js')).href)}).then((cli) => cli.main());\n`);
  return { batch, big, huge, modules };
}

/**
 * One run: wall time in ms and peak RSS in MB (GNU time's %M, when installed). The exit code
 * must be the expected one, or the figure means nothing.
 */
function time(cmd, args, okCodes = [0]) {
  const argv = GNU_TIME ? [GNU_TIME, '-f', 'MESHC_BENCH_RSS_KB %M', cmd, ...args] : [cmd, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited ${r.status}: ${String(r.stderr).slice(-2000)}`);
  const rss = /MESHC_BENCH_RSS_KB (\d+)/.exec(String(r.stderr));
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

const sum = (runs) => runs.reduce((t, r) => ({ ms: t.ms + r.ms, rssMb: Math.max(t.rssMb, r.rssMb) }), { ms: 0, rssMb: 0 });

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

function table(title, cases, rounds, baseIndex = 0) {
  const samples = cases.map(() => []);
  for (let r = 0; r < rounds; r++) cases.forEach(([, run], i) => samples[i].push(run()));
  const med = samples.map((xs) => ({ ms: median(xs.map((x) => x.ms)), rssMb: median(xs.map((x) => x.rssMb)) }));
  const base = med[baseIndex];
  process.stdout.write(`\n${title} (median of ${rounds} interleaved rounds, fresh process each)\n`);
  cases.forEach(([name], i) => {
    const m = med[i];
    const rss = Number.isNaN(m.rssMb) ? '' : `   peak RSS ${m.rssMb.toFixed(0).padStart(4)} MB`;
    process.stdout.write(`  ${name.padEnd(44)} ${m.ms.toFixed(1).padStart(9)} ms   ${(m.ms / base.ms).toFixed(2).padStart(6)}x ${cases[baseIndex][0]}${rss}\n`);
  });
  return med;
}

function main() {
  if (!process.env.MESHC_BIN && !existsSync(join(root, 'dist/cli/main.js'))) {
    process.stderr.write('bench/validate: dist/ is missing; run `npm run build` first\n');
    process.exit(2);
  }
  const { batch, big, huge, modules } = inputs();
  const docker = which('docker');
  const node = process.execPath;
  process.stdout.write(`machine: ${cpus().length} cpus, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}${GNU_TIME ? '' : '; /usr/bin/time not found: no peak RSS'}${docker ? '' : '; docker not found: docker rows skipped'}\n`);
  const small = [
    ['node -e 0', () => time(node, ['-e', '0'])],
    ['meshc validate seed', () => time(node, [MESHC, 'validate', SEED])],
    ['  same, unbundled modules (before issue 18)', () => time(node, [modules, 'validate', SEED])],
    ['  front end only (readComposeFile) seed', () => time(node, ['--input-type=module', '-e', frontEndScript(SEED)])],
    ['meshc validate 50 files (one call)', () => time(node, [MESHC, 'validate', ...batch])],
  ];
  if (docker) {
    small.push(['docker stack config seed', () => time(docker, ['stack', 'config', '-c', SEED])]);
    small.push(['docker stack config 50 files (50 calls)', () => sum(batch.map((f) => time(docker, ['stack', 'config', '-c', f])))]);
  }
  table('start-up: the seed stack (target: meshc validate <= 1.3x node -e 0)', small, ROUNDS);

  const large = [
    ['meshc validate 1,000 services', () => time(node, [MESHC, 'validate', big])],
    ['meshc validate 10,000 services', () => time(node, [MESHC, 'validate', huge])],
  ];
  if (docker) {
    large.unshift(['docker stack config 1,000 services', () => time(docker, ['stack', 'config', '-c', big])]);
    large.push(['docker stack config 10,000 services', () => time(docker, ['stack', 'config', '-c', huge])]);
  }
  const m = table('large stacks, a tcp and a udp port per service (target: meshc < 1x docker; 10x services <= 11x time)', large, BIG_ROUNDS);
  const [m1, m10] = docker ? [m[1], m[2]] : [m[0], m[1]];
  process.stdout.write(`  meshc growth 1,000 -> 10,000 services: ${(m10.ms / m1.ms).toFixed(1)}x time (linear = 10, target <= 11)\n`);
  if (docker) process.stdout.write(`  meshc / docker: ${(m1.ms / m[0].ms).toFixed(2)}x at 1,000, ${(m10.ms / m[3].ms).toFixed(2)}x at 10,000\n`);
}

main();
