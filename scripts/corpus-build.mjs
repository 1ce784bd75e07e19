#!/usr/bin/env node
/**
 * Builds an independent corpus of stack files for scripts/corpus-agreement.mjs from the
 * loader tests of docker/cli and compose-spec/compose-go, OUTSIDE this repository (the
 * files are theirs: read them, measure against them, do not commit them):
 *
 *   node scripts/corpus-build.mjs --git docker-cli=PATH/TO/cli/.git --git compose-go=PATH/TO/compose-go/.git --out DIR
 *
 * From each repository's HEAD it takes every YAML file that looks like a Compose file
 * (a top-level `version:` or `services:`) and every Go raw string (`…`) in a *_test.go
 * file that does, skipping fmt templates (%s, %d, …), with the Go source's common
 * indentation removed; identical texts are kept once. docker/cli: cli/compose,
 * cli/command/stack, e2e/stack; compose-go: loader, cli, override, types, transform,
 * validation, interpolation, schema. Output: DIR/<name>/NNNN-<source path>.yml.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const AREAS = {
  'docker-cli': /^(cli\/compose|cli\/command\/stack|e2e\/stack)\//,
  'compose-go': /^(loader|cli|override|types|transform|validation|interpolation|schema)\//,
};

const args = process.argv.slice(2);
const gits = [];
let out;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--git') gits.push(args[++i].split('='));
  else if (args[i] === '--out') out = resolve(args[++i]);
}
if (!out || gits.length === 0 || gits.some(([name, dir]) => !AREAS[name] || !dir)) {
  process.stderr.write(`usage: node scripts/corpus-build.mjs --git NAME=GITDIR... --out DIR (NAME: ${Object.keys(AREAS).join(', ')})\n`);
  process.exit(2);
}

const git = (dir, ...a) => execFileSync('git', [`--git-dir=${dir}`, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });
const looksCompose = (s) => /^(version|services):/m.test(s);

// The Go source's indentation, common to every non-blank line, removed.
function dedent(s) {
  const lines = s.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)[0]);
  if (indents.length === 0) return s;
  let common = indents[0];
  for (const i of indents) while (!i.startsWith(common)) common = common.slice(0, -1);
  return lines.map((l) => (l.startsWith(common) ? l.slice(common.length) : l.trimStart())).join('\n');
}

for (const [name, dir] of gits) {
  const target = join(out, name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const seen = new Set();
  let n = 0;
  const save = (src, text) => {
    const hash = createHash('sha1').update(text).digest('hex');
    if (seen.has(hash)) return;
    seen.add(hash);
    writeFileSync(join(target, `${String(++n).padStart(4, '0')}-${src.replace(/[^A-Za-z0-9]+/g, '_').slice(-60)}.yml`), text);
  };
  for (const path of git(dir, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter((p) => AREAS[name].test(p))) {
    if (/\.ya?ml$/.test(path)) {
      const text = git(dir, 'show', `HEAD:${path}`);
      if (looksCompose(text)) save(path, text);
    } else if (path.endsWith('_test.go')) {
      for (const m of git(dir, 'show', `HEAD:${path}`).matchAll(/`([^`]*)`/g)) {
        const text = dedent(m[1]);
        if (looksCompose(text) && !/%[sdvq]/.test(text)) save(path, text.replace(/^\n/, ''));
      }
    }
  }
  process.stdout.write(`${name}: ${n} files (HEAD ${git(dir, 'rev-parse', 'HEAD').trim()}) in ${target}\n`);
}
