/**
 * `meshc diff`: what changes between two output trees, for code review. Grouped by
 * node, then file; iptables files rule by rule per table and chain, IPVS per virtual
 * service and real server, anything else (apply.sh, plan.json, the playbook) line by
 * line. Pure: the CLI reads both directories into maps of relative path → content.
 * Each node's rule files are compared as the node loads them, its part and the shared
 * folder's (docs/runner.md, "The shared folder"), so a change to a shared table shows under
 * every node, and a tree from before the shared folder compares by its rules alone.
 */
import { diffIpvs } from './ipvs-diff.js';
import { diffRestore } from './restore-diff.js';
import { diffNft } from './nft-diff.js';
import { diffLines, type Edit } from './sequence.js';
import { effectiveFiles } from '../render/shared-layout.js';
import { SHARED_DIR } from '../render/quote.js';

type Files = ReadonlyMap<string, string>;

/** `changed` is false (and `text` says so) when both trees hold the same files with the same content. */
export function diffOutputs(oldTree: Files, newTree: Files): { text: string; changed: boolean } {
  const oldFiles = effective(oldTree);
  const newFiles = effective(newTree);
  const groups = new Map<string, string[]>();
  for (const path of [...new Set([...oldFiles.keys(), ...newFiles.keys()])].sort(byGroupThenKind)) {
    const before = oldFiles.get(path);
    const after = newFiles.get(path);
    if (before === after) continue;
    const [group, name] = splitPath(path);
    const lines = groups.get(group) ?? [];
    lines.push(`  ${name}${before === undefined ? ' (new file)' : after === undefined ? ' (removed)' : ''}`);
    const body = fileDiff(name, before ?? '', after ?? '');
    lines.push(...(body.length ? body : ['    (only layout or comments changed)']));
    groups.set(group, lines);
  }
  if (groups.size === 0) return { text: 'no changes\n', changed: false };
  const text = [...groups].map(([group, lines]) => [headline(group, oldFiles, newFiles), ...lines].join('\n')).join('\n\n');
  return { text: text + '\n', changed: true };
}

function effective(files: Files): Files {
  return new Map(effectiveFiles([...files].map(([path, content]) => ({ path, content }))).map((f) => [f.path, f.content]));
}

function fileDiff(name: string, before: string, after: string): string[] {
  if (name.endsWith('ipvs.rules')) return diffIpvs(before, after, '    ');
  if (name.endsWith('.rules')) return diffRestore(before, after, '    ');
  if (name.endsWith('.nft')) return diffNft(before, after, '    ');
  return withContext(diffLines(before.split('\n'), after.split('\n')));
}

/** Changed lines, each block after one unchanged line of context, so JSON and shell hunks can be placed. */
function withContext(edits: readonly Edit[]): string[] {
  const out: string[] = [];
  edits.forEach((e, i) => {
    if (e.op === ' ') return;
    const before = edits[i - 1];
    if (before?.op === ' ' && before.text.trim() !== '') out.push(`      ${before.text}`.trimEnd());
    out.push(`    ${e.op} ${e.text}`.trimEnd());
  });
  return out;
}

/** `node1/tasks/x.rules` → ['node1', 'tasks/x.rules']; files at the root form the '' group. */
function splitPath(path: string): [string, string] {
  const slash = path.indexOf('/');
  return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
}

function headline(group: string, oldFiles: Files, newFiles: Files): string {
  if (group === '') return 'output root';
  // What is left of the shared folder once the rules parts are in each node's files: the runner's body.
  if (group === SHARED_DIR) return 'shared folder (every node)';
  const inTree = (files: Files) => [...files.keys()].some((p) => p.startsWith(`${group}/`));
  const status = !inTree(oldFiles) ? ' (new node)' : !inTree(newFiles) ? ' (node removed)' : '';
  return `node ${group}${status}`;
}

/** Root files first, then nodes by name; within a node the packet's order: host, sandbox, IPVS, tasks, runner. */
const KIND_ORDER = ['host.rules', 'ingress.rules', 'ipvs.rules', 'tasks/'];

function byGroupThenKind(a: string, b: string): number {
  const [ga, na] = splitPath(a);
  const [gb, nb] = splitPath(b);
  if (ga !== gb) return ga < gb ? -1 : 1;
  const rank = (n: string) => {
    const at = KIND_ORDER.findIndex((k) => n === k || (k.endsWith('/') && n.startsWith(k)));
    return at < 0 ? KIND_ORDER.length : at;
  };
  return rank(na) - rank(nb) || (na < nb ? -1 : na > nb ? 1 : 0);
}
