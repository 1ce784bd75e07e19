/**
 * apply.sh and the runner's body in the shared folder (docs/runner.md, "The shared folder"):
 * a node's apply.sh runs the body, shared/runner.sh, only when it is the file its compile
 * wrote. Run for real as root, on the nftables dataplane (this kernel has no IPVS, so an
 * iptables + IPVS runner would stop at its own preflight and prove nothing), in a network
 * namespace standing for the node (MESHC_NETNS_PREFIX, MESHC_TASK_NETNS=netns).
 *
 * The same holds for the plan data every node shares, shared/mesh-data.sh (sourced first).
 *
 * Proven: with the tree as compiled, `--check` runs the body (exit 2: a fresh node would
 * change; it takes the lock, so the state probe below sees a run that got past the check); with the body missing, altered by one byte, or the whole shared
 * folder gone, every mode (apply included) exits 1 with a JSON summary naming the file, and
 * nothing on the node changes: no namespace, lock file or state folder appears, the node's
 * ruleset and links stay as they were.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import { compilePlan } from '../../src/pipeline.js';
import { addNs, deleteNs, inNs, nsName } from './netns.js';
import { nftSkipReason, ruleset, threeNodeNftPlan } from './nft-helpers.js';

const skip = nftSkipReason();
const PLAN = threeNodeNftPlan();

let compiled = '';
let node = '';
const prefix = (): string => `${node}-`;

/** A fresh copy of the compiled tree, changed by `edit` (given the copy's root). */
function treeCopy(edit: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'meshc-runner-body-'));
  cpSync(compiled, root, { recursive: true });
  edit(root);
  return root;
}

function applySh(root: string, ...args: string[]): { status: number | null; summary: Record<string, unknown>; stderr: string } {
  const r = spawnSync('nsenter', [`--net=/run/netns/${node}`, 'env', `MESHC_NETNS_PREFIX=${prefix()}`, 'MESHC_TASK_NETNS=netns',
    'bash', join(root, 'node1', 'apply.sh'), ...args], { encoding: 'utf8', timeout: 120_000 });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '{}';
  return { status: r.status, summary: JSON.parse(last.startsWith('{') ? last : '{}') as Record<string, unknown>, stderr: r.stderr ?? '' };
}

/** Everything a run could leave on this node: namespaces, lock, state, the node's ruleset and links. */
function nodeState(): string {
  const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(prefix())).sort();
  const links = inNs(node, ['ip', '-o', 'link', 'show']).split('\n').map((l) => l.split(':')[1]?.trim() ?? '').sort().join(' ');
  const files = [`/run/meshc/${prefix()}apply.lock`, `/var/lib/meshc/${prefix()}state`].filter((p) => existsSync(p));
  return JSON.stringify({ netns, links, files, ruleset: ruleset(node) });
}

describe.skipIf(skip !== null)(`apply.sh sources the shared runner body only as compiled${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const result = await compilePlan(PLAN, new DiagnosticSink());
    if (!result) throw new Error('compile failed');
    compiled = mkdtempSync(join(tmpdir(), 'meshc-runner-body-'));
    for (const f of result.files) {
      mkdirSync(dirname(join(compiled, f.path)), { recursive: true });
      writeFileSync(join(compiled, f.path), f.content);
      chmodSync(join(compiled, f.path), f.mode);
    }
    node = nsName('rb');
    addNs(node);
  });

  afterAll(() => {
    spawnSync('nsenter', [`--net=/run/netns/${node}`, 'env', `MESHC_NETNS_PREFIX=${prefix()}`, 'MESHC_TASK_NETNS=netns',
      'bash', join(compiled, 'node1', 'apply.sh'), '--down'], { encoding: 'utf8', timeout: 120_000 });
    for (const ns of spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(' ')[0] ?? '')) {
      if (ns && ns.startsWith(prefix())) deleteNs(ns);
    }
    if (node) deleteNs(node);
    rmSync(`/run/meshc/${prefix()}apply.lock`, { force: true });
    rmSync(`/var/lib/meshc/${prefix()}state`, { recursive: true, force: true });
  });

  it('runs the body as compiled (--check: a fresh node would change; its lock file shows a run got that far)', { timeout: 120_000 }, () => {
    const lock = `/run/meshc/${prefix()}apply.lock`;
    const was = nodeState();
    expect(existsSync(lock)).toBe(false);
    const r = applySh(compiled, '--check');
    expect(r.status, r.stderr).toBe(2);
    expect(r.summary.errors).toEqual([]);
    expect(r.summary.mode).toBe('check');
    // What nodeState sees of a run past the body check: --check takes the lock, and changes nothing else.
    expect(existsSync(lock)).toBe(true);
    expect(nodeState()).not.toBe(was);
    rmSync(lock);
    expect(nodeState()).toBe(was);
  });

  const cases: [string, (root: string) => void, RegExp][] = [
    ['the body altered by one byte', (root) => {
      const body = join(root, 'shared', 'runner.sh');
      const text = readFileSync(body, 'utf8');
      // One byte of a comment: the bash would still run, so only the sha256 check can refuse it.
      writeFileSync(body, text.replace('# meshc runner body', '# meshc runner Body'));
    }, /\/shared\/runner\.sh is not the file this apply\.sh was compiled with \(sha256 differs\)/],
    ['the plan data every node shares (shared/mesh-data.sh) altered by one byte', (root) => {
      const data = join(root, 'shared', 'mesh-data.sh');
      writeFileSync(data, readFileSync(data, 'utf8').replace('# meshc plan data', '# meshc plan Data'));
    }, /\/shared\/mesh-data\.sh is not the file this apply\.sh was compiled with \(sha256 differs\)/],
    ['the body missing', (root) => rmSync(join(root, 'shared', 'runner.sh')), /\/shared\/runner\.sh is missing/],
    ['the shared folder missing', (root) => rmSync(join(root, 'shared'), { recursive: true }), /\/shared is missing: copy the shared folder/],
  ];

  it.each(cases)('refuses %s: exit 1, the file named, nothing on the node changed (every mode)', { timeout: 120_000 }, (_, edit, message) => {
    const root = treeCopy(edit);
    const was = nodeState();
    for (const mode of [[], ['--check'], ['--dry-run'], ['--down']]) {
      const r = applySh(root, ...mode);
      expect(r.status, `${mode.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.summary.node).toBe('node1');
      expect(r.summary.mode).toBe(mode[0]?.slice(2) ?? 'apply');
      expect(r.summary.changed).toBe(false);
      expect(r.summary.errors).toEqual([expect.stringMatching(message)]);
      expect(r.stderr).toMatch(message);
      expect(nodeState()).toBe(was);
    }
    // --help needs no body: it prints the usage all the same.
    expect(spawnSync('bash', [join(root, 'node1', 'apply.sh'), '--help'], { encoding: 'utf8' }).stdout).toContain('usage: apply.sh');
    rmSync(root, { recursive: true, force: true });
  });
});
