#!/usr/bin/env node
/**
 * Precompiles what the front end would otherwise build at every start-up (a pre-commit
 * hook runs `meshc validate` on every commit):
 * - meshc's Compose schemas: the version gates of schemas/compose/compose-v3.json resolved
 *   into one draft-07 schema per version 3.0-3.13, each written as ajv standalone
 *   validation code to src/validate/generated/ and loaded only for the version a file asks for.
 *   Each is a CommonJS factory `module.exports = (formats) => validate`: the format checkers
 *   (ports, duration, expose) live in TypeScript and are injected at load time.
 * - the installed `yaml` package as one file, src/source/generated/yaml.cjs: the same code,
 *   but one file to resolve and compile instead of ~70 (4-5x faster to load).
 *
 *   node scripts/compile-schemas.mjs                   write both under src/ (gitignored; vitest's global
 *                                                     setup does this before every test run)
 *   node scripts/compile-schemas.mjs --out DIR --yaml-out FILE
 *                                                     write elsewhere (a build: dist/validate/generated,
 *                                                     dist/source/generated/yaml.cjs)
 *   node scripts/compile-schemas.mjs --dump DIR        also write the resolved JSON schemas (review aid)
 *   ... --code-cache                                  also write V8 code caches (<file>.v8cache) next to each
 *                                                     output, for a build: valid only for this node binary,
 *                                                     so never committed (src/source/load-cjs.ts reads them)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import { buildSync } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(root, 'schemas/compose/compose-v3.json');
const CLUSTER = join(root, 'schemas/cluster.schema.json');
export const VERSIONS = Array.from({ length: 14 }, (_v, i) => `3.${i}`);
const GATE = /^(.*)@(>=|<)3\.(\d+)$/;

/** Keeps `key@>=3.N` / `key@<3.N` entries whose condition holds for `minor`, under their plain name. */
export function resolveGates(node, minor) {
  if (Array.isArray(node)) return node.map((n) => resolveGates(n, minor));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    const gate = GATE.exec(key);
    const name = gate ? gate[1] : key;
    if (gate && (gate[2] === '>=' ? minor < Number(gate[3]) : minor >= Number(gate[3]))) continue;
    if (name in out) throw new Error(`two gated entries resolve to "${name}" for 3.${minor}`);
    out[name] = resolveGates(value, minor);
  }
  return out;
}

function compileVersion(schema, { messages = false } = {}) {
  const ajv = new Ajv({
    allErrors: true, // every error of the file, reduced to one per location later
    strict: false,
    // Compose and cluster problems are worded as docker words them, so ajv's messages are dead
    // weight there; the inventory's and lock's diagnostics quote ajv's (src/driver/schema-problems.ts).
    messages,
    inlineRefs: false, // definitions stay shared functions: a third of the code to parse at start-up
    code: { source: true, formats: _`formats` },
    // Placeholders: the generated code calls the checkers passed to its factory (src/validate/formats.ts).
    formats: { ports: () => true, duration: () => true, expose: () => true },
  });
  return inlineRuntime(standaloneCode(ajv, ajv.compile(schema)));
}

/**
 * The standalone code requires ajv's runtime helpers (ajv/dist/runtime/equal, ucs2length and
 * fast-deep-equal under them). Resolving those through node_modules at run time cost more
 * start-up than a whole check of a small stack, so esbuild inlines them: the generated file
 * requires nothing.
 */
function inlineRuntime(body) {
  const out = buildSync({
    stdin: { contents: body, resolveDir: root, sourcefile: 'validator.cjs', loader: 'js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20.19',
    // Generated code nobody reads: minified whole, it is a third less text to read, hold and
    // deserialise at every start (a 1,000-service validate reads the same file once).
    minify: true,
    logLevel: 'warning',
  });
  const code = out.outputFiles[0].text;
  // (ajv's equal carries its own require as a string, `equal.code`, used only to generate code.)
  if (/(?<!['"`])\brequire\(/.test(code)) throw new Error('a generated validator still requires a module at run time');
  return code;
}

function wrap(body, hash, version) {
  return [
    `// Generated by scripts/compile-schemas.mjs from schemas/compose/compose-v3.json (Compose ${version}). Do not edit.`,
    `// source-sha256: ${hash}`,
    '"use strict";',
    'module.exports = function createValidator(formats) {',
    'const module = { exports: {} };',
    body,
    'return module.exports;',
    '};',
    '',
  ].join('\n');
}

function wrapNamed(body, hash, source) {
  return wrap(body, hash, '').replace(/^\/\/ Generated by .*$/m, `// Generated by scripts/compile-schemas.mjs from ${source}. Do not edit.`);
}

/** The yaml package's CommonJS files in one module registry; only relative requires are bundled. */
export function bundleYaml() {
  const dist = join(root, 'node_modules/yaml/dist');
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules/yaml/package.json'), 'utf8'));
  const modules = new Map();
  const add = (file) => {
    if (modules.has(file)) return;
    modules.set(file, '');
    const code = readFileSync(file, 'utf8').replace(/require\((['"])(\.[^'"]+)\1\)/g, (_m, _q, spec) => {
      const target = resolve(dirname(file), spec);
      add(target);
      return `__require(${JSON.stringify(relative(dist, target))})`;
    });
    modules.set(file, code);
  };
  add(join(dist, 'index.js'));
  const defs = [...modules].map(([file, code]) => `__defs[${JSON.stringify(relative(dist, file))}] = function (module, exports) {\n${code}\n};`);
  return [
    `// yaml ${version} (ISC license, https://github.com/eemeli/yaml), its node_modules/yaml/dist/*.js joined into one`,
    '// file by scripts/compile-schemas.mjs so start-up compiles one module instead of ~70. Do not edit.',
    '"use strict";',
    'const __defs = {};',
    'const __cache = {};',
    'function __require(id) {',
    '  if (__cache[id]) return __cache[id].exports;',
    '  const module = { exports: {} };',
    '  __cache[id] = module;',
    '  __defs[id](module, module.exports);',
    '  return module.exports;',
    '}',
    ...defs,
    'module.exports = __require("index.js");',
    '',
  ].join('\n');
}

const SAMPLE = 'version: "3.8"\nx-d: &d {image: nginx, environment: {A: "1"}}\nservices:\n  web:\n    <<: *d\n' +
  '    ports: ["8080:80", {target: 81, published: 8081}]\n    deploy: {replicas: 2, update_config: {delay: 10s}}\n' +
  '    healthcheck: {test: [CMD, true], interval: 30s}\nnetworks: {front: {driver: overlay}}\n';

/**
 * Runs `file` once with real work and writes V8's code cache of it. The wrapper text must
 * be the one src/source/load-cjs.ts compiles (wrapCjs), or V8 rejects the cache.
 */
function writeCodeCache(file, exercise) {
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  exercise(module.exports);
  writeFileSync(`${file}.v8cache`, script.createCachedData());
}

const exerciseYaml = (Y) => Y.parseAllDocuments(SAMPLE, { merge: true, lineCounter: new Y.LineCounter() })[0].toJS();
const exerciseValidator = (factory) => factory({ ports: () => true, duration: () => true, expose: () => true })(JSON.parse(
  '{"version":"3.8","services":{"web":{"image":"nginx","ports":["8080:80",{"target":81}],"deploy":{"replicas":2}},"db":[]}}',
));

function main(argv) {
  const arg = (name) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
  const dumpIdx = argv.indexOf('--dump');
  const out = resolve(arg('--out') ?? join(root, 'src/validate/generated'));
  const yamlOut = resolve(arg('--yaml-out') ?? join(root, 'src/source/generated/yaml.cjs'));
  mkdirSync(dirname(yamlOut), { recursive: true });
  writeFileSync(yamlOut, bundleYaml());
  const text = readFileSync(SOURCE, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const base = JSON.parse(text);
  mkdirSync(out, { recursive: true });
  for (const version of VERSIONS) {
    const schema = resolveGates(base, Number(version.split('.')[1]));
    if (dumpIdx >= 0) {
      mkdirSync(argv[dumpIdx + 1], { recursive: true });
      writeFileSync(join(argv[dumpIdx + 1], `compose-v${version}.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    writeFileSync(join(out, `compose-v${version}.cjs`), wrap(compileVersion(schema), hash, version));
    if (argv.includes('--code-cache')) writeCodeCache(join(out, `compose-v${version}.cjs`), exerciseValidator);
  }
  // The cluster file (meshc.yml) goes through the same positioned-YAML + ajv path as Compose.
  const cluster = readFileSync(CLUSTER, 'utf8');
  const clusterHash = createHash('sha256').update(cluster).digest('hex');
  writeFileSync(join(out, 'cluster.cjs'), wrapNamed(compileVersion(JSON.parse(cluster)), clusterHash, 'schemas/cluster.schema.json'));
  // So do the inventory and the lock file (src/driver/precompiled.ts loads all three).
  for (const name of ['inventory', 'lock']) {
    const text = readFileSync(join(root, `schemas/${name}.schema.json`), 'utf8');
    const sha = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(out, `${name}.cjs`), wrapNamed(compileVersion(JSON.parse(text), { messages: true }), sha, `schemas/${name}.schema.json`));
  }
  // A stack with a lock file (the usual case) loads lock.cjs on every `validate`: cached like the rest.
  if (argv.includes('--code-cache')) for (const name of ['cluster', 'inventory', 'lock']) writeCodeCache(join(out, `${name}.cjs`), (factory) => factory({})({}));
  if (argv.includes('--code-cache')) writeCodeCache(yamlOut, exerciseYaml);
  process.stdout.write(`compiled ${VERSIONS.length} Compose schemas and the cluster, inventory and lock schemas into ${out} and yaml into ${yamlOut}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
