/**
 * Golden cluster: fixtures/cluster (3 nodes, 3 stacks: proxy with ingress and host-mode
 * ports, app with a health-checked service and an override file, monitoring with a global
 * service) compiled with its committed lock. The goldens hold plan.json, every node's rule
 * files and health marks, and the diagnostics; the runner and agent templates are covered by
 * the compile goldens, so their copies stay out of review here.
 *
 *   UPDATE_GOLDENS=1 npx vitest run test/unit/cluster-golden.test.ts
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { checkConsistency } from '../support/consistency/check-consistency.js';
import { compileFile } from '../../src/driver/drive.js';
import { serializeLock } from '../../src/plan/lock.js';
import { Ajv } from 'ajv';
import { formatText } from '../../src/diagnostics/format.js';
import { OPTS } from './cluster-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'fixtures', 'cluster');
const EXPECTED = join(DIR, '_expected');
const UPDATE = process.env.UPDATE_GOLDENS === '1';
const KEPT = /^(plan\.json|(node\d+|shared)\/(ingress|host|ipvs)\.rules|node\d+\/health\.marks|node\d+\/tasks\/.*)$/;

describe('fixtures/cluster', () => {
  it('compiles to the golden tree, every stack in one mesh per node, the lock unchanged', async () => {
    const sink = new DiagnosticSink();
    const io = { cwd: ROOT, env: {}, readFile: (p: string) => readFileSync(join(ROOT, p)), readStdin: () => Buffer.alloc(0) };
    const compiled = await compileFile('fixtures/cluster/meshc.yml', OPTS, io, sink);
    expect(compiled).toBeDefined();
    expect(checkConsistency(compiled!.files)).toEqual([]);
    const files = new Map(compiled!.files.filter((f) => KEPT.test(f.path)).map((f) => [f.path, f.content]));
    files.set('_diagnostics.txt', sink.items.map((d) => `${d.loc ? `${relative(DIR, join(ROOT, d.loc.file))}:${d.loc.line}:${d.loc.col} ` : ''}${d.code}\n`).join(''));
    // The committed lock is what the compile records: nothing moved.
    expect(serializeLock(compiled!.lock)).toBe(readFileSync(join(DIR, 'meshc.yml.meshc-lock.json'), 'utf8'));
    if (UPDATE) {
      rmSync(EXPECTED, { recursive: true, force: true });
      for (const [path, content] of files) {
        mkdirSync(dirname(join(EXPECTED, path)), { recursive: true });
        writeFileSync(join(EXPECTED, path), content);
      }
    }
    for (const [path, content] of files) {
      expect(existsSync(join(EXPECTED, path)), `missing golden ${path}`).toBe(true);
      expect(content, path).toBe(readFileSync(join(EXPECTED, path), 'utf8'));
    }
    // A cluster's plan.json (each service naming its stack) is valid against schemas/plan.schema.json.
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8')));
    expect(validate(JSON.parse(files.get('plan.json') ?? '{}')), JSON.stringify(validate.errors)).toBe(true);
    // Each rule names its stack and service.
    const ingress = (files.get('node1/ingress.rules') ?? '') + (files.get('shared/ingress.rules') ?? '');
    for (const tag of ['proxy/traefik 80/tcp', 'app/api 8000/tcp', 'monitoring/node-exporter 9100/tcp']) expect(ingress).toContain(tag);
  });
});

describe('fixtures/cluster-errors', () => {
  it('reports every cross-stack conflict at its places, as the golden text says', async () => {
    const dir = join(ROOT, 'fixtures', 'cluster-errors');
    const sink = new DiagnosticSink();
    const io = { cwd: dir, env: {}, readFile: (p: string) => readFileSync(join(dir, p)), readStdin: () => Buffer.alloc(0) };
    expect(await compileFile('meshc.yml', OPTS, io, sink)).toBeUndefined();
    const text = formatText(sink.items, { cwd: dir, color: false, codeFrame: true, sources: sink.sources });
    const golden = join(dir, 'meshc.errors.txt');
    if (UPDATE) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
    expect(sink.items.map((d) => d.code).sort()).toEqual(['CLUSTER_SERVICE_NAME_TAKEN', 'CLUSTER_SERVICE_NAME_TAKEN', 'CLUSTER_SETTING_CONFLICT', 'PORT_CONFLICT', 'PORT_CONFLICT']);
  });
});
