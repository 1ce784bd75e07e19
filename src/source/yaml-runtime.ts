/**
 * The `yaml` package, loaded from its one-file build (src/source/generated/yaml.cjs, made
 * by scripts/compile-schemas.mjs from the installed version): the same code, but start-up
 * compiles one module instead of ~70, which is most of what `meshc validate` costs.
 * Import yaml's runtime values from here and its types from 'yaml'.
 */
import { fileURLToPath } from 'node:url';
import type * as Yaml from 'yaml';
import { loadCjs } from './load-cjs.js';

export const yaml = loadCjs(fileURLToPath(new URL('./generated/yaml.cjs', import.meta.url))) as typeof Yaml;
