/**
 * The `yaml` package, loaded from its one-file build (src/source/generated/yaml.cjs, made
 * by scripts/compile-schemas.mjs from the installed version): the same code, but start-up
 * compiles one module instead of ~70, which is most of what `meshc validate` costs.
 * Import yaml's runtime values from here and its types from 'yaml'.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { findGenerated, loadCjs } from './load-cjs.js';

const bundle = findGenerated(import.meta.url, ['./generated/yaml.cjs', '../../src/source/generated/yaml.cjs']);
// Without the bundle (a build that skipped scripts/compile-schemas.mjs) the package itself: same code, slower start.
export const yaml = (bundle ? loadCjs(bundle) : createRequire(import.meta.url)('yaml')) as typeof Yaml;
