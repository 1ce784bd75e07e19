/**
 * Golden compile fixtures, one directory per behaviour (rollup's form tests):
 *   fixtures/compile/<case>/stack.yml        the stack (stack name: "stack", from the file name)
 *   fixtures/compile/<case>/inventory.yml    optional; without it, meshc's single local node
 *   fixtures/compile/<case>/_expected/**     the whole output tree (plan.json, apply.sh, rules, …),
 *                                            plus _manifest.txt (mode and path of every file) and
 *                                            _diagnostics.txt (every diagnostic of the compile)
 *   fixtures/compile/_runner/body.sh         the runner's body, shared/runner.sh, held once for every case
 *   fixtures/compile/_runner/body-nftables.sh  the same for the nftables dataplane's cases
 *   fixtures/compile/_runner/health-agent-body.sh  the health agent's body, shared/health-agent.sh
 * A case's `shared/runner.sh` or `shared/health-agent.sh` golden is one line naming the body
 * golden it must equal, and each node's `apply.sh` and `health-agent.sh` golden is whole (its
 * data and the loader). So a change to a script's code touches one golden file, and a change
 * to a case's plan shows in that case alone.
 * The whole pipeline runs (loadStack → planStack → compilePlan) and every compiled tree
 * must also pass the emitters' consistency checker. A new case costs one folder, no code.
 *
 * To regenerate after an intended change:  UPDATE_GOLDENS=1 npx vitest run test/unit/compile-golden.test.ts
 * then review `git diff fixtures/compile` line by line before committing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink, type Diagnostic } from '../../src/diagnostics/types.js';
import { checkConsistency } from '../support/consistency/check-consistency.js';
import { compilePlan, loadStack, planStack } from '../../src/pipeline.js';
import { readInventory } from '../../src/driver/read-inventory.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CASES = join(ROOT, 'fixtures', 'compile');
const UPDATE = process.env.UPDATE_GOLDENS === '1';
/**
 * The generated scripts' fixed bodies, each a file of the shared folder held once in
 * fixtures/compile/_runner: the runner's (shared/runner.sh) depends only on the dataplane,
 * which picks its rules parts; the health agent's (shared/health-agent.sh) on nothing.
 */
interface SharedBody {
  readonly matches: (path: string) => boolean;
  readonly file: (dataplane: string) => string | undefined;
}
const SHARED_BODIES: readonly SharedBody[] = [
  {
    matches: (path) => path === 'shared/runner.sh',
    file: (dataplane) => ({ ipvs: 'body.sh', nftables: 'body-nftables.sh' } as Record<string, string>)[dataplane],
  },
  { matches: (path) => path === 'shared/health-agent.sh', file: () => 'health-agent-body.sh' },
];
const bodyLine = (body: string): string => `# ---- fixed body: ${relative(ROOT, body)} (the same for every node) ----\n`;

/** The golden form of an output tree: each script body is one line naming its golden; the bodies are returned by golden file. */
function goldenForm(files: Map<string, string>): { files: Map<string, string>; bodies: Map<string, Set<string>> } {
  const plan = JSON.parse(files.get('plan.json') ?? '{}') as { settings?: { dataplane?: string } };
  const dataplane = plan.settings?.dataplane ?? 'ipvs';
  const bodies = new Map<string, Set<string>>();
  const out = new Map<string, string>();
  for (const [path, content] of files) {
    const shared = SHARED_BODIES.find((b) => b.matches(path));
    if (!shared) { out.set(path, content); continue; }
    const name = shared.file(dataplane);
    if (!name) throw new Error(`no body golden for ${path} on dataplane ${dataplane}`);
    const bodyFile = join(CASES, '_runner', name);
    bodies.set(bodyFile, (bodies.get(bodyFile) ?? new Set()).add(content));
    out.set(path, bodyLine(bodyFile));
  }
  return { files: out, bodies };
}

async function compileCase(dir: string): Promise<Map<string, string>> {
  const rel = relative(ROOT, dir);
  const sink = new DiagnosticSink();
  const read = (p: string): Buffer => readFileSync(join(ROOT, p));
  const out = new Map<string, string>();
  const stack = loadStack({ files: [join(rel, 'stack.yml')] }, { readFile: read, env: {} }, sink);
  const inventoryFile = existsSync(join(dir, 'inventory.yml')) ? join(rel, 'inventory.yml') : undefined;
  const inventory = readInventory(inventoryFile, { readFile: read, readStdin: () => Buffer.alloc(0) }, sink);
  const planned = stack && inventory ? planStack(stack, inventory, {}, sink) : undefined;
  const compiled = planned ? await compilePlan(planned.plan, sink) : undefined;
  for (const f of compiled?.files ?? []) out.set(f.path, f.content);
  out.set('_manifest.txt', (compiled?.files ?? []).map((f) => `${f.mode.toString(8).padStart(4, '0')} ${f.path}\n`).join(''));
  out.set('_diagnostics.txt', sink.items.map((d) => formatDiagnostic(d, rel)).join(''));
  if (compiled) expect(checkConsistency(compiled.files), 'consistency problems').toEqual([]);
  return out;
}

function formatDiagnostic(d: Diagnostic, caseDir: string): string {
  const at = d.loc ? `${relative(caseDir, d.loc.file)}:${d.loc.line}:${d.loc.col} ` : '';
  return `${at}${d.severity} ${d.code}: ${d.message}\n`;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? listFiles(p).map((x) => `${e}/${x}`) : [e];
  }).sort();
}

function writeExpected(dir: string, files: ReadonlyMap<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function firstDifference(path: string, expected: string, actual: string): string {
  const [e, a] = [expected.split('\n'), actual.split('\n')];
  const i = e.findIndex((line, k) => line !== a[k]);
  const at = i < 0 ? e.length : i;
  return `${path}:${at + 1} differs (UPDATE_GOLDENS=1 to accept)\n- ${e[at] ?? '<end of file>'}\n+ ${a[at] ?? '<end of file>'}`;
}

const cases = readdirSync(CASES).filter((c) => existsSync(join(CASES, c, 'stack.yml'))).sort();
/** Body golden → the first case (cases run in order) that renders it: it writes the golden under UPDATE_GOLDENS=1. */
const firstCaseOf = new Map<string, string>();

describe('compile goldens (fixtures/compile)', () => {
  it.each(cases)('%s', async (name) => {
    const dir = join(CASES, name);
    const { files: actual, bodies } = goldenForm(await compileCase(dir));
    const expectedDir = join(dir, '_expected');
    for (const [bodyFile, body] of [...bodies].flatMap(([file, set]) => [...set].map((b) => [file, b] as const))) {
      // The first case rendering a body writes its golden under UPDATE_GOLDENS=1; every other script must agree with it.
      if (!firstCaseOf.has(bodyFile)) firstCaseOf.set(bodyFile, name);
      if (UPDATE && name === firstCaseOf.get(bodyFile)) {
        mkdirSync(dirname(bodyFile), { recursive: true });
        writeFileSync(bodyFile, body);
      }
      const shared = existsSync(bodyFile) ? readFileSync(bodyFile, 'utf8') : '';
      expect.soft(body === shared, firstDifference(relative(ROOT, bodyFile), shared, body)).toBe(true);
    }
    if (UPDATE) return writeExpected(expectedDir, actual);
    expect([...actual.keys()].sort(), 'files in the output tree').toEqual(listFiles(expectedDir));
    for (const [path, content] of actual) {
      const expected = readFileSync(join(expectedDir, path), 'utf8');
      // Soft: every differing file is reported, each with its first differing line.
      expect.soft(content === expected, firstDifference(`${name}/_expected/${path}`, expected, content)).toBe(true);
    }
  });
});
