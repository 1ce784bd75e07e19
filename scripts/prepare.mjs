#!/usr/bin/env node
/**
 * npm's `prepare` step: builds dist/ (npm run build). Two ways in:
 * - a working copy with its devDependencies installed (`npm ci`, `npm pack`, a git URL, which
 *   npm installs with devDependencies before it runs prepare): the build runs as is;
 * - `npm install -g /path/to/a/clone`: npm links the folder and runs prepare in it, installing
 *   nothing there, so the build tools (tsc, esbuild) and even the runtime dependencies are
 *   missing. Then this installs the locked dependencies into the folder first (`npm ci`,
 *   scripts off so this step is not re-entered), builds, and drops the build-only packages
 *   again (`npm prune --omit=dev`): the link then points at a folder that runs like the
 *   published package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_TOOLS = ['typescript', 'esbuild', 'ajv'];

function npm(args) {
  // Inside an npm lifecycle script npm_execpath names the running npm; `npm` on PATH otherwise.
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && /\.[cm]?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
  process.stderr.write(`meshc prepare: npm ${args.join(' ')}\n`);
  // The outer `npm install -g` passes its global mode, prefix and script allowances down in the
  // environment; these installs are local to the folder (and npm refuses allowances there).
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_config_(global|location|prefix|allow[-_]scripts)$/i.test(key)) delete env[key];
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const missing = BUILD_TOOLS.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
const bare = missing.length > 0;
if (bare) {
  process.stderr.write(`meshc prepare: ${missing.join(', ')} not installed here (an install from a folder): installing the locked dependencies to build\n`);
  npm(['ci', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}
npm(['run', 'build']);
if (bare) npm(['prune', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
