#!/usr/bin/env node
/**
 * meshc against docker on a directory of stack files (issue 14's agreement figure):
 *
 *   node scripts/corpus-agreement.mjs DIR... [--json] [--quiet]
 *
 * For every *.yml / *.yaml under DIR (recursively), runs `docker stack config -c FILE` (the
 * oracle: docker's loader), `meshc config FILE` and `meshc validate FILE`, and prints
 *   - config verdict agreement: meshc config exits 0 exactly where docker prints the file;
 *   - config byte agreement: where both print, the same bytes;
 *   - validate vs docker's loader: where validate refuses a file docker stack config accepts,
 *     the codes (deploy-time refusals, which only `docker stack deploy` makes, are expected
 *     there; each is listed for review), and any file validate accepts that docker refuses
 *     (always a bug);
 * then every disagreement, one line each. `docker stack config` needs no daemon.
 *
 * meshc runs in-process from dist/ (npm run build first): the same code as bin/meshc.js.
 * Both sides see the same environment (PATH and HOME only) and stack name (`corpus`).
 * Exit 0 always (a measuring tool); --json prints the figures and disagreements as JSON.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const { run } = await import(join(here, '../dist/cli/main.js'));
const { nodeIo } = await import(join(here, '../dist/cli/io.js'));

const args = process.argv.slice(2);
const json = args.includes('--json');
const quiet = args.includes('--quiet');
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  process.stderr.write('usage: node scripts/corpus-agreement.mjs DIR... [--json] [--quiet]\n');
  process.exit(2);
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };

function stackFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) return stackFiles(p);
      return /\.ya?ml$/.test(e) ? [p] : [];
    });
}

function docker(file) {
  const r = spawnSync('docker', ['stack', 'config', '-c', file], { encoding: 'utf8', env, maxBuffer: 1 << 28, timeout: 60_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '').trim() };
}

async function meshc(argv) {
  const out = [];
  const err = [];
  const io = { ...nodeIo(), env, stdoutIsTTY: false, stderrIsTTY: false, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

// `file:1:2 error CODE: message` lines → the error codes, in order, once each.
const errorCodes = (stderr) => [...new Set([...stderr.matchAll(/ error ([A-Z_]+):/g)].map((m) => m[1]))];
const firstError = (stderr) => stderr.split('\n').find((l) => / error [A-Z_]+:/.test(l)) ?? stderr.split('\n')[0] ?? '';
const oneLine = (s) => s.replace(/\s+/g, ' ').slice(0, 220);

const files = dirs.flatMap((d) => stackFiles(resolve(d)));
const tally = { files: files.length, dockerAccepts: 0, configAgrees: 0, configVerdict: 0, configBytes: 0, bothPrint: 0, validateAgrees: 0, validateStricter: 0, validateLaxer: 0 };
const disagreements = [];
const stricterCodes = new Map();

for (const file of files) {
  const d = docker(file);
  const c = await meshc(['config', '--stack', 'corpus', file]);
  const v = await meshc(['validate', '--stack', 'corpus', file]);
  const configOk = c.code === 0;
  const validateOk = v.code === 0;
  if (d.ok) tally.dockerAccepts++;
  if (configOk === d.ok) tally.configVerdict++;
  else
    disagreements.push({
      file,
      kind: d.ok ? 'config refuses, docker prints' : 'config prints, docker refuses',
      detail: oneLine(d.ok ? firstError(c.stderr) : d.stderr),
    });
  if (configOk === d.ok && (!d.ok || c.stdout === d.stdout)) tally.configAgrees++;
  if (d.ok && configOk) {
    tally.bothPrint++;
    if (c.stdout === d.stdout) tally.configBytes++;
    else {
      const a = c.stdout.split('\n');
      const b = d.stdout.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      disagreements.push({ file, kind: 'config bytes differ', detail: oneLine(`line ${i + 1}: meshc ${JSON.stringify(a[i] ?? '<eof>')} docker ${JSON.stringify(b[i] ?? '<eof>')}`) });
    }
  }
  if (validateOk === d.ok) tally.validateAgrees++;
  else if (d.ok) {
    tally.validateStricter++;
    const codes = errorCodes(v.stderr);
    for (const code of codes) stricterCodes.set(code, (stricterCodes.get(code) ?? 0) + 1);
    disagreements.push({ file, kind: 'validate refuses, docker stack config accepts', detail: oneLine(firstError(v.stderr)) });
  } else {
    tally.validateLaxer++;
    disagreements.push({ file, kind: 'validate accepts, docker refuses', detail: oneLine(d.stderr) });
  }
}

const pct = (n, of) => (of === 0 ? 'n/a' : `${((100 * n) / of).toFixed(1)} %`);
if (json) {
  process.stdout.write(JSON.stringify({ ...tally, stricterCodes: Object.fromEntries(stricterCodes), disagreements }, null, 2) + '\n');
} else {
  const lines = [
    `corpus: ${tally.files} files under ${dirs.join(', ')}; docker stack config accepts ${tally.dockerAccepts}`,
    `meshc config = docker stack config (verdict, and bytes where docker prints): ${tally.configAgrees}/${tally.files} (${pct(tally.configAgrees, tally.files)})`,
    `meshc config verdict = docker's: ${tally.configVerdict}/${tally.files} (${pct(tally.configVerdict, tally.files)})`,
    `meshc config bytes = docker's, where both print: ${tally.configBytes}/${tally.bothPrint} (${pct(tally.configBytes, tally.bothPrint)})`,
    `meshc validate verdict = docker stack config's: ${tally.validateAgrees}/${tally.files} (${pct(tally.validateAgrees, tally.files)}); ` +
      `stricter on ${tally.validateStricter} (deploy-time refusals expected here), laxer on ${tally.validateLaxer}`,
    `validate's codes where docker stack config accepts: ${[...stricterCodes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
  ];
  if (!quiet) for (const x of disagreements) lines.push(`  ${x.kind}: ${x.file}: ${x.detail}`);
  process.stdout.write(lines.join('\n') + '\n');
}
