#!/usr/bin/env node
// Launcher. A pre-commit hook starts meshc on every commit, so this file does as little as
// it can before the CLI runs:
// - bin/package.json makes it CommonJS (an ES module entry costs the ESM loader's start-up),
//   yet it uses neither `require` nor `import` statements, so it also runs where it is copied
//   beside another package.json (it takes built-ins from process.getBuiltinModule);
// - it runs dist/meshc.cjs, the whole CLI in one file (scripts/bundle.mjs), through V8's
//   code cache that the build wrote next to it (dist/meshc.cjs.v8cache): no module
//   resolution, no parsing or compiling of the functions a `validate` runs. A cache made by
//   another node binary is rejected by V8 and the file is compiled as usual; on Node >= 22.1
//   Node's own compile cache then takes over (module.enableCompileCache);
// - without the bundle (a `tsc`-only build) it imports the modules under dist/.
const { existsSync, readFileSync, realpathSync } = process.getBuiltinModule('node:fs');
const { dirname, join } = process.getBuiltinModule('node:path');

const self = typeof __filename === 'string' ? __filename : realpathSync(process.argv[1]);
const dist = join(dirname(self), '..', 'dist');
const bundle = join(dist, 'meshc.cjs');

function fail(err, what) {
  process.stderr.write(`meshc: cannot load ${what} (${err.code ?? err.message}); run \`npm run build\` first\n`);
  process.exitCode = 3;
}

/** The bundle's exports, compiled with the build's code cache when V8 accepts it. */
function loadBundle() {
  const { Script } = process.getBuiltinModule('node:vm');
  const mod = process.getBuiltinModule('node:module');
  const cacheFile = `${bundle}.v8cache`;
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  // scripts/bundle.mjs makes sure the bundle is ASCII, so latin1 reads the same text without
  // UTF-8 decoding (about 2 ms of a start on the machines measured).
  const source = readFileSync(bundle, 'latin1');
  // Node's CommonJS wrapper: the code cache was made over exactly this text (scripts/bundle.mjs).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if ((cachedData === undefined || script.cachedDataRejected) && typeof mod.enableCompileCache === 'function') {
    mod.enableCompileCache();
    return mod.createRequire(bundle)(bundle);
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, mod.createRequire(bundle), module, bundle, dist);
  return module.exports;
}

if (existsSync(bundle)) {
  let cli;
  try {
    cli = loadBundle();
  } catch (err) {
    fail(err, 'dist/meshc.cjs');
  }
  if (cli) cli.main();
} else {
  import(process.getBuiltinModule('node:url').pathToFileURL(join(dist, 'cli', 'main.js')).href).then(
    (cli) => cli.main(),
    (err) => fail(err, 'dist/cli/main.js'),
  );
}
