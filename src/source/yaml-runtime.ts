/**
 * The `yaml` package, loaded on first use from its one-file build
 * (src/source/generated/yaml.cjs, made by scripts/compile-schemas.mjs from the installed
 * version): the same code, but loading compiles one module instead of ~70. On first use,
 * because `meshc validate` of a plain block file never needs it (the fast reader resolves
 * scalars itself, plain-scalars.ts), and loading it is about 10 ms of a 50 ms start.
 * Take yaml's runtime values from `yaml()`, inside the function that uses them (never at a
 * module's top level, which would load the library at every start), and its types from 'yaml'.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { findGenerated, loadCjs } from './load-cjs.js';

let loaded: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  return (loaded ??= load());
}

function load(): typeof Yaml {
  const bundle = findGenerated(import.meta.url, ['./generated/yaml.cjs', '../../src/source/generated/yaml.cjs']);
  // Without the one-file build (a build that skipped scripts/compile-schemas.mjs) the package itself: same code, slower start.
  return (bundle ? loadCjs(bundle) : createRequire(import.meta.url)('yaml')) as typeof Yaml;
}

// The library's node guards, for modules that test nodes in many small functions: each
// loads the library on its first call, never at start-up.
export const isAlias = (node: unknown): node is Yaml.Alias => yaml().isAlias(node);
export const isCollection = <K = unknown, V = unknown>(node: unknown): node is Yaml.YAMLMap<K, V> | Yaml.YAMLSeq<V> => yaml().isCollection(node);
export const isMap = <K = unknown, V = unknown>(node: unknown): node is Yaml.YAMLMap<K, V> => yaml().isMap(node);
export const isPair = <K = unknown, V = unknown>(node: unknown): node is Yaml.Pair<K, V> => yaml().isPair(node);
export const isScalar = <T = unknown>(node: unknown): node is Yaml.Scalar<T> => yaml().isScalar(node);
export const isSeq = <T = unknown>(node: unknown): node is Yaml.YAMLSeq<T> => yaml().isSeq(node);
