/**
 * Loads one of meshc's generated CommonJS files (the one-file yaml, the schema validators)
 * as `require` would, but through V8's code cache when the build left one next to it
 * (`<file>.v8cache`, written by `scripts/compile-schemas.mjs --code-cache` with the same
 * node binary). Start-up then skips parsing and compiling ~400 KB of JavaScript. A cache
 * that is missing, or was made by another V8, is ignored: the file is compiled as usual.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/**
 * The first of `candidates` (URLs relative to `base`, a module's import.meta.url) that exists.
 * Builds put generated files next to the compiled modules (scripts/compile-schemas.mjs
 * --out); sources run from src/ (vitest) find the ones its global setup writes under src/
 * (gitignored build products, test/support/generate.ts).
 */
export function findGenerated(base: string, candidates: readonly string[]): string | undefined {
  for (const c of candidates) {
    const file = fileURLToPath(new URL(c, base));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Node's CommonJS wrapper; the cache writer uses the same text, or V8 rejects the cache. */
export function wrapCjs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

type Wrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dir: string) => void;

/** `module.exports` of the CommonJS file at the absolute path `file`. */
export function loadCjs(file: string): unknown {
  const cacheFile = `${file}.v8cache`;
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(wrapCjs(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as Wrapper)(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
