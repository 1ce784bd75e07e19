#!/usr/bin/env node
// Runs every benchmark in bench/ in turn (each prints its own ratios against a baseline
// measured in the same run). Needs `npm run build` first: benchmarks time dist/.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const name of readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').sort()) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  const r = spawnSync(process.execPath, [join(here, name)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
