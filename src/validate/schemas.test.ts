/**
 * The start-up artifacts: the committed precompiled validators and one-file yaml must be
 * exactly what scripts/compile-schemas.mjs makes from schemas/compose/compose-v3.json and
 * node_modules/yaml, and the
 * per-version schemas it resolves must mean what docker's own do. The second check reads
 * the schemas embedded in the local docker CLI binary (skipped when there is none).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Script } from 'node:vm';
import { loadCjs, wrapCjs } from '../source/load-cjs.js';
import { SUPPORTED_VERSIONS } from './version.js';
import { titled } from '../../test/support/tools.js';

const ROOT = join(import.meta.dirname, '../..');
const GENERATED = join(ROOT, 'src/validate/generated');
// Generated under the checkout, not /tmp: the validators require ajv's runtime
// modules, which resolve only from a directory below node_modules' parent.
mkdirSync(join(ROOT, '.cache'), { recursive: true });
const out = mkdtempSync(join(ROOT, '.cache', 'schemas-'));
execFileSync(process.execPath, [
  join(ROOT, 'scripts/compile-schemas.mjs'), '--out', join(out, 'gen'), '--yaml-out', join(out, 'yaml.cjs'), '--dump', join(out, 'json'), '--code-cache',
]);

describe('precompiled start-up artifacts', () => {
  it('the one-file yaml is built from the installed yaml (run node scripts/compile-schemas.mjs)', () => {
    expect(readFileSync(join(ROOT, 'src/source/generated/yaml.cjs'), 'utf8')).toBe(readFileSync(join(out, 'yaml.cjs'), 'utf8'));
  });
  it('exist for every supported version, the cluster file, the inventory and the lock, and nothing else', () => {
    expect(readdirSync(GENERATED).filter((f) => f.endsWith('.cjs')).sort()).toEqual([...SUPPORTED_VERSIONS.map((v) => `compose-v${v}.cjs`), 'cluster.cjs', 'inventory.cjs', 'lock.cjs'].sort());
  });
  it.each(['cluster', 'inventory', 'lock'])('the %s schema is up to date (run node scripts/compile-schemas.mjs)', (name) => {
    expect(readFileSync(join(GENERATED, `${name}.cjs`), 'utf8')).toBe(readFileSync(join(out, 'gen', `${name}.cjs`), 'utf8'));
  });
  it.each(SUPPORTED_VERSIONS)('%s is up to date (run node scripts/compile-schemas.mjs)', (v) => {
    const name = `compose-v${v}.cjs`;
    expect(readFileSync(join(GENERATED, name), 'utf8')).toBe(readFileSync(join(out, 'gen', name), 'utf8'));
  });
});

describe('V8 code caches (--code-cache, for builds)', () => {
  it.each(['yaml.cjs', 'gen/compose-v3.13.cjs'])('%s: the cache written by the script is accepted by loadCjs\'s wrapper', (f) => {
    const file = join(out, f);
    const script = new Script(wrapCjs(readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(`${file}.v8cache`) });
    expect(script.cachedDataRejected).toBe(false);
  });
  it('loadCjs loads the cached build', () => {
    const Y = loadCjs(join(out, 'yaml.cjs')) as { parse(s: string): unknown };
    expect(Y.parse('ports: [8080:80]')).toEqual({ ports: ['8080:80'] });
  });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Refs inlined, annotations dropped, and two spellings that change nothing made equal. */
function canonical(node: Json, root: { definitions?: Record<string, Json> }): Json {
  if (Array.isArray(node)) return node.map((n) => canonical(n, root));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') return canonical(root.definitions?.[ref.split('/').pop() ?? ''] ?? null, root);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    if (['id', '$id', '$schema', '$comment', 'default', 'description', 'definitions'].includes(k)) continue;
    if (k === 'additionalProperties' && v === true) continue; // the default
    if (k === 'uniqueItems' && node.type !== 'array') continue; // docker 3.2+ puts it on volume items, where it means nothing
    out[k] = k === 'properties' || k === 'patternProperties' ? mapValues(v, root) : canonical(v, root);
  }
  return out;
}
function mapValues(v: Json, root: { definitions?: Record<string, Json> }): Json {
  return Object.fromEntries(Object.entries(v as Record<string, Json>).map(([k, x]) => [k, canonical(x, root)]));
}

function dockerBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'docker');
    if (existsSync(p)) return realpathSync(p);
  }
  return undefined;
}

/** The config_schema_v3.N.json files that docker/cli embeds with go:embed, read out of the binary. */
function dockerSchemas(binary: string): Map<string, Json> {
  const bytes = readFileSync(binary);
  const found = new Map<string, Json>();
  const marker = /"id": "config_schema_v(3\.\d+)\.json"/g;
  const text = bytes.toString('latin1');
  for (const m of text.matchAll(marker)) {
    const start = text.lastIndexOf('{\n', m.index);
    const end = text.indexOf('\n}', m.index) ;
    // The schema ends at the first "\n}" at column 0 after its id.
    found.set(m[1] as string, JSON.parse(bytes.subarray(start, end + 2).toString('utf8')) as Json);
  }
  return found;
}

const docker = dockerBinary();
describe.skipIf(!docker)(titled('parity with the schemas embedded in the docker CLI', docker ? null : 'skipped: needs the docker CLI binary'), () => {
  const theirs = docker ? dockerSchemas(docker) : new Map<string, Json>();
  it('finds docker\'s schemas', () => expect([...theirs.keys()].sort()).toEqual([...SUPPORTED_VERSIONS].sort()));
  it.each(SUPPORTED_VERSIONS)('%s means the same as docker\'s', (v) => {
    const mine = JSON.parse(readFileSync(join(out, 'json', `compose-v${v}.json`), 'utf8')) as { definitions?: Record<string, Json> };
    const their = theirs.get(v) as { definitions?: Record<string, Json> };
    expect(canonical(mine as Json, mine)).toEqual(canonical(their as Json, their));
  });
});
