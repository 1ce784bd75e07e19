/**
 * The kernel half of the hostile-strings suite (test/unit/hardening/hostile.ts): every
 * output compiled from a hostile input loads with `iptables-restore --test` on both
 * backends, and running every generated script (apply.sh in each mode, health-agent.sh
 * --once) inside a throw-away namespace never creates the canary file that every hostile
 * string would create if a shell ran it. This kernel lacks IPVS, so the runner stops at
 * its preflight; the plan data it evaluates first is where injected text would run.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addNs, BACKENDS, deleteNs, inNs, kernelSkipReason, nsName } from './netns.js';
import { withoutIpvsMatch } from './rule-files.js';
import { removeTree, writeTree } from '../unit/hardening/harness.js';
import { SLOTS, hostileStrings } from '../unit/hardening/hostile.js';
import { judge } from '../unit/hardening/verdict.js';

const skip = kernelSkipReason();
const CANARY = `/tmp/meshc-h7-canary-${process.pid}`;
const PREFIX = `h7k${process.pid % 100000}-`;
const created: string[] = [];
const dirs: string[] = [];
afterAll(() => {
  created.forEach(deleteNs);
  // Namespaces the runner may have created under our prefix (and only those).
  for (const ns of existsSync('/run/netns') ? readdirSync('/run/netns') : []) if (ns.startsWith(PREFIX)) deleteNs(ns);
  dirs.forEach(removeTree);
  rmSync(CANARY, { force: true });
});

interface Accepted {
  readonly label: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Every hostile input that compiles, one per distinct output tree. */
async function acceptedOutputs(): Promise<Accepted[]> {
  const seen = new Set<string>();
  const out: Accepted[] = [];
  for (const slot of SLOTS) {
    for (const h of hostileStrings(CANARY)) {
      const v = await judge(slot, h);
      if (v.code !== 0) continue;
      const hash = createHash('sha256');
      for (const [p, c] of v.files) if (p !== 'plan.json' && p !== 'playbook.yml') hash.update(`${p}\0${c}\0`);
      const key = hash.digest('hex');
      if (!seen.has(key)) out.push({ label: `${slot.name} ${JSON.stringify(h).slice(0, 40)}`, files: v.files });
      seen.add(key);
    }
  }
  return out;
}

function rulesFiles(files: ReadonlyMap<string, string>): [string, string][] {
  return [...files].filter(([p]) => p.endsWith('.rules') && !p.endsWith('/ipvs.rules'));
}

/** Runs `bash script args` in `ns` as the runner's contract says (host mount namespace kept). */
function runIn(ns: string, script: string, args: readonly string[]): void {
  const env = ['MESHC_NETNS_PREFIX=' + PREFIX, 'MESHC_TASK_NETNS=netns', 'MESHC_IPTABLES=legacy', `MESHC_LOCK_DIR=/tmp`];
  spawnSync('nsenter', [`--net=/run/netns/${ns}`, 'env', ...env, 'timeout', '-k', '2', '20', 'bash', script, ...args], { stdio: 'ignore', timeout: 30_000 });
}

describe.skipIf(skip !== null)(`hostile inputs in the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('every accepted hostile input yields rules that load and scripts that run nothing injected', async () => {
    const accepted = await acceptedOutputs();
    expect(accepted.length).toBeGreaterThan(5);
    const failures: string[] = [];
    const loaded = new Set<string>();
    for (const { label, files } of accepted) {
      for (const [path, text] of rulesFiles(files)) {
        const body = path.endsWith('/ingress.rules') ? withoutIpvsMatch(text) : text;
        if (loaded.has(body)) continue;
        loaded.add(body);
        failures.push(...loadEverywhere(`${label} ${path}`, body));
      }
      failures.push(...runScripts(label, files));
    }
    console.log(`${accepted.length} distinct accepted outputs, ${loaded.size} distinct rules files loaded on ${BACKENDS.length} backends`);
    expect(failures).toEqual([]);
    expect(existsSync(CANARY)).toBe(false);
  }, 900_000);

  it('the probes can fail: an unquoted hostile string does create the canary, an unquoted comment with a blank does not load', () => {
    const files = new Map([['x/apply.sh', `X=${hostileStrings(CANARY)[2]}\necho "$X"\n`]]);
    expect(runScripts('control', files)).toEqual([`control: the canary ${CANARY} was created`]);
    rmSync(CANARY, { force: true });
    const rules = '*filter\n:MESHC-X - [0:0]\n-A MESHC-X -m comment --comment a b -j ACCEPT\nCOMMIT\n';
    expect(loadEverywhere('control', rules)).toHaveLength(BACKENDS.length);
  });
});

function loadEverywhere(label: string, text: string): string[] {
  const problems: string[] = [];
  for (const b of BACKENDS) {
    const ns = nsName('hr');
    created.push(ns);
    addNs(ns);
    try {
      inNs(ns, [b.restore, '--noflush', '--wait', '--test'], text);
    } catch (err) {
      problems.push(`${label}: ${b.name} iptables-restore --test: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
    deleteNs(ns);
  }
  return problems;
}

function runScripts(label: string, files: ReadonlyMap<string, string>): string[] {
  const dir = writeTree(files, 'hk');
  dirs.push(dir);
  const ns = nsName('hs');
  created.push(ns);
  addNs(ns);
  const nodes = [...files.keys()].filter((p) => p.endsWith('/apply.sh')).map((p) => p.slice(0, -'/apply.sh'.length));
  for (const node of nodes) {
    for (const mode of [['--dry-run'], ['--check'], [], ['--down'], ['--help']]) runIn(ns, join(dir, node, 'apply.sh'), mode);
    if (files.has(`${node}/health-agent.sh`)) runIn(ns, join(dir, node, 'health-agent.sh'), ['--once']);
  }
  deleteNs(ns);
  return existsSync(CANARY) ? [`${label}: the canary ${CANARY} was created`] : [];
}
