/**
 * Property (issue 13, Proof): whatever a random output directory holds, `meshc compile -o DIR`
 * never loses a byte of what meshc did not write. Generated directories mix names meshc
 * writes (plan.json, playbook.yml, node directories, apply.sh, .rules files), names of other
 * tools (main.tf, terraform.tfstate, README.md), the stack itself, leftovers named like
 * meshc's staging areas, markers that are garbage, of another format or version, or a
 * user's plan.json, and symlinks to a victim directory outside. Two shapes:
 *
 * - foreign: the directory was never written by meshc: every entry is foreign. meshc must
 *   exit 2 (0 only for an empty directory) and leave every entry byte-identical.
 * - owned + foreign: a real `meshc compile` wrote DIR, then random foreign entries were
 *   added beside and inside its node directories. With none added, meshc replaces the tree
 *   (exit 0); with any, it exits 2 and nothing changes, its own old files included.
 *
 * The victim directory the symlinks point to is byte-identical afterwards in every case, and
 * no run crashes (exit 3). With `--diff`, a refused directory prints nothing, and nothing of the
 * victim (a private key behind the symlinks) is ever printed. Runs the CLI in-process on the
 * real file system.
 */
import fc from 'fast-check';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashText, runOnDisk } from './harness.js';

const NUM_RUNS = Number(process.env.MESHC_FUZZ_RUNS ?? 60);
const STACK = 'version: "3.8"\nservices:\n  ngx:\n    image: nginx\n    ports: ["8888:80"]\n';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const compile = (cwd: string, argv: readonly string[]) => runOnDisk(cwd, argv);

/** Every entry under `dir` by lstat: directories, file bytes (and mode), symlink targets. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) out.set(path, `link:${readlinkSync(join(dir, path))}`);
      else if (st.isDirectory()) {
        out.set(path, 'dir');
        walk(path);
      } else out.set(path, `file:${(st.mode & 0o777).toString(8)}:${readFileSync(join(dir, path)).toString('base64')}`);
    }
  };
  walk('');
  return out;
}

const NAMES = ['plan.json', 'playbook.yml', 'README.md', 'main.tf', 'terraform.tfstate', 'stack.yml', 'local', 'n1', 'tasks', 'apply.sh', 'host.rules', '.meshc-staging-1', '.meshc-old-2', 'x.rules'];
const MARKERS = [
  'garbage {',
  '{"format":"meshc-output","version":2,"files":[]}',
  '{"format":"meshc","version":1,"files":["plan.json"]}',
  '{"format":"meshc-output","version":1,"files":["../stack.yml"]}',
  '{"stack":"app","nodes":[],"services":[],"settings":{}}',
  '',
];

interface Entry {
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'link';
  readonly content: string;
}

const entryArb: fc.Arbitrary<Entry> = fc.record({
  path: fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((segs) => segs.join('/')),
  kind: fc.constantFrom('file', 'file', 'dir', 'link'),
  content: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...MARKERS)),
});

/** Creates the entries that fit (a parent that is a file or link, or a taken name, skips one). */
function plant(dir: string, entries: readonly Entry[], victim: string): number {
  let planted = 0;
  for (const e of entries) {
    const full = join(dir, ...e.path.split('/'));
    try {
      if (lstatSync(full, { throwIfNoEntry: false })) continue;
      mkdirSync(dirname(full), { recursive: true });
      if (e.kind === 'dir') mkdirSync(full);
      else if (e.kind === 'link') symlinkSync(victim, full);
      else writeFileSync(full, e.content);
      planted++;
    } catch {
      // A parent is a file or a symlink: this entry does not fit, skip it.
    }
  }
  return planted;
}

function scene(): { root: string; work: string; out: string; victim: string } {
  const root = mkdtempSync(join(tmpdir(), 'meshc-outprop-'));
  made.push(root);
  const work = join(root, 'work');
  const victim = join(root, 'victim');
  mkdirSync(work);
  mkdirSync(victim);
  writeFileSync(join(victim, 'id_rsa'), 'PRIVATE KEY\n');
  writeFileSync(join(work, 'stack.yml'), STACK);
  return { root, work, out: join(work, 'out'), victim };
}

describe('property: a random output directory never loses what meshc did not write', () => {
  it('a directory meshc never wrote is refused (exit 2) and left byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { maxLength: 8 }), fc.option(fc.constantFrom(...MARKERS)), fc.boolean(), fc.boolean(), async (entries, marker, outIsStackDir, diff) => {
        const s = scene();
        const out = outIsStackDir ? s.work : s.out;
        mkdirSync(out, { recursive: true });
        plant(out, entries, s.victim);
        if (marker !== null) writeFileSync(join(out, '.meshc-output.json'), marker);
        const [before, victimBefore] = [snapshot(out), snapshot(s.victim)];
        const r = await compile(s.work, ['compile', 'stack.yml', '-o', out, ...(diff ? ['--diff'] : [])]);
        expect(crashText(r.stderr), r.stderr).toBeUndefined();
        expect(r.code, r.stderr).toBe(before.size === 0 ? 0 : 2);
        if (r.code === 2) expect(snapshot(out)).toEqual(before);
        if (r.code === 2) expect(r.stdout).toBe('');
        expect(r.stdout).not.toContain('PRIVATE KEY');
        expect(snapshot(s.victim)).toEqual(victimBefore);
        rmSync(s.root, { recursive: true, force: true });
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);

  it('an owned tree with foreign entries added is refused and unchanged; with none it is replaced', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArb, { maxLength: 5 }), fc.constantFrom('', 'local/'), fc.boolean(), async (entries, under, diff) => {
        const s = scene();
        expect((await compile(s.work, ['compile', 'stack.yml', '-o', 'out'])).code).toBe(0);
        const planted = plant(s.out, entries.map((e) => ({ ...e, path: under + e.path })), s.victim);
        const [before, victimBefore] = [snapshot(s.out), snapshot(s.victim)];
        const r = await compile(s.work, ['compile', 'stack.yml', '-o', 'out', ...(diff ? ['--diff'] : [])]);
        expect(crashText(r.stderr), r.stderr).toBeUndefined();
        expect(r.code, r.stderr).toBe(planted === 0 ? 0 : 2);
        expect(r.stdout).toBe(diff && planted === 0 ? 'no changes\n' : '');
        // Refused: nothing changed, meshc's own old files included. Replaced: same bytes (deterministic).
        expect(snapshot(s.out)).toEqual(before);
        expect(snapshot(s.victim)).toEqual(victimBefore);
        rmSync(s.root, { recursive: true, force: true });
      }),
      { numRuns: NUM_RUNS },
    );
  }, 120_000);
});
