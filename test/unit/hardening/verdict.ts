/**
 * The verdict on one hostile input: meshc must either reject it with a diagnostic that
 * names it (its text, or a position on the line that holds it), or accept it and write
 * files that are safe to run. This module decides which, without spawning anything.
 */
import { escapeControls } from '../../../src/diagnostics/escape.js';
import { parseDocument } from 'yaml';
import { checkConsistency } from '../../support/consistency/check-consistency.js';
import type { Plan } from '../../../src/model/plan.js';
import type { NodeRuleSet } from '../../../src/model/rules.js';
import { healthManaged, renderHealthAgent } from '../../../src/render/render-health.js';
import { crashText, runMem } from './harness.js';
import { slotFiles, type Slot } from './hostile.js';

interface Diag {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly loc?: { readonly file: string; readonly line: number; readonly col: number };
}

export interface Verdict {
  readonly slot: string;
  readonly hostile: string;
  readonly code: number;
  /** Problems found (empty = this input held). */
  readonly problems: readonly string[];
  /** The codes of the error diagnostics, for the report table. */
  readonly errors: readonly string[];
  readonly files: ReadonlyMap<string, string>;
}

/** Runs one slot with one string and judges the result. */
export async function judge(slot: Slot, hostile: string): Promise<Verdict> {
  const input = slot.build(hostile);
  const { files, argv } = slotFiles(input);
  const r = await runMem(argv, files, input.env);
  const problems: string[] = [];
  const crash = crashText(r.stderr);
  if (crash) problems.push(`crashed: ${crash}`);
  const diags = parseDiagnostics(r.stdout);
  const errors = diags.filter((d) => d.severity === 'error');
  const out = r.code === 0 ? withHealthAgents(JSON.parse(r.stdout) as { plan: Plan; files: Record<string, string> }) : new Map<string, string>();
  if (r.code === 0) problems.push(...acceptedProblems(out));
  else if (r.code === 1) problems.push(...rejectionProblems(slot, hostile, errors, files));
  else if (!(r.code === 2 && input.stackFile && hostile.startsWith('-'))) problems.push(`exit ${r.code}: ${r.stderr.slice(0, 500)}`);
  return { slot: slot.name, hostile, code: r.code, problems, errors: errors.map((d) => d.code), files: out };
}

/**
 * The compiled files, plus each node's health agent rendered from the plan when the
 * pipeline does not (yet) emit it: it is the script that prints healthcheck commands and
 * HTTP paths, the most exposed text of all, so the suite checks it either way.
 */
function withHealthAgents(compiled: { plan: Plan; files: Record<string, string> }): Map<string, string> {
  const files = new Map(Object.entries(compiled.files));
  if (healthManaged(compiled.plan).length === 0) return files;
  for (const node of compiled.plan.nodes) {
    if (files.has(`${node.name}/health-agent.sh`)) continue;
    for (const f of renderHealthAgent(compiled.plan, { node: node.name } as NodeRuleSet)) files.set(f.path, f.content);
  }
  return files;
}

/** `compile --format json` prints one document on stdout, with the diagnostics either way. */
function parseDiagnostics(stdout: string): Diag[] {
  try {
    return (JSON.parse(stdout) as { diagnostics: Diag[] }).diagnostics;
  } catch {
    return [];
  }
}

/** Accepted: every output path stays inside the tree and the rule files are consistent. */
function acceptedProblems(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const path of files.keys()) {
    if (path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '' || s === '.') || /[\0\n\\]/.test(path)) {
      problems.push(`unsafe output path ${JSON.stringify(path)}`);
    }
  }
  const playbook = files.get('playbook.yml');
  if (playbook !== undefined) {
    const doc = parseDocument(playbook);
    if (doc.errors.length > 0) problems.push(`playbook.yml does not parse: ${doc.errors[0]?.message}`);
  }
  for (const [path, content] of files) problems.push(...ruleShapeProblems(path, content));
  const consistency = checkConsistency([...files].map(([path, content]) => ({ path, content })));
  for (const p of consistency) problems.push(`inconsistent ${p.file}:${p.line}: ${p.message}`);
  return problems;
}

// A rules file holds only meshc's own chains: text that smuggled a line in (a newline in a
// name) would still load, so iptables-restore --test alone cannot catch it; the shape can.
const RULE_LINE = /^(|#.*|\*(nat|filter|mangle|raw)|:MESHC-[A-Za-z0-9_-]+ - \[0:0\]|-A MESHC-[A-Za-z0-9_-]+ [^"]*("[^"]*"[^"]*)*|COMMIT)$/;
const HOOK_LINE = /^# hook: -t (nat|filter|mangle|raw) -I [A-Z]+ 1 [A-Za-z0-9 ./_-]*-j MESHC-[A-Za-z0-9_-]+$/;
const IPVS_LINE = /^(|#.*|-[Aa] -f \d+ [-A-Za-z0-9 .:]*)$/;

export function ruleShapeProblems(path: string, content: string): string[] {
  if (!path.endsWith('.rules')) return [];
  const shape = path.endsWith('/ipvs.rules') ? IPVS_LINE : RULE_LINE;
  return content.split('\n').flatMap((line, i) => {
    const bad = !shape.test(line) || (line.startsWith('# hook:') && !HOOK_LINE.test(line));
    return bad ? [`${path}:${i + 1} has an unexpected line: ${JSON.stringify(line).slice(0, 200)}`] : [];
  });
}

/**
 * Rejected: at least one error, and one that names the input: its message quotes (a
 * prefix of) the string, or it points at a line of an input file that holds the string.
 * A flag has no line, so for flags the message must quote it.
 */
function rejectionProblems(slot: Slot, hostile: string, errors: readonly Diag[], inputs: Readonly<Record<string, string>>): string[] {
  if (errors.length === 0) return ['exit 1 without an error diagnostic'];
  const unpositioned = errors.filter((d) => slot.positioned && !d.loc);
  if (unpositioned.length === errors.length) return [`no error has a position: ${errors.map((d) => d.code).join(', ')}`];
  // Interpolation changes what meshc sees: `$HOME` is read as an (empty) variable.
  if (hostile.includes('$') && errors.some((d) => d.loc)) return [];
  const seen = slot.seen?.(hostile) ?? hostile;
  // Messages show control characters escaped (src/diagnostics/escape.ts).
  const probe = [seen.slice(0, 24), JSON.stringify(seen).slice(1, 25), escapeControls(seen).slice(0, 24)];
  const quoted = errors.some((d) => probe.some((p) => p !== '' && d.message.includes(p)));
  const located = errors.some((d) => d.loc !== undefined && lineHolds(inputs, d.loc, hostile));
  return quoted || located ? [] : [`no error names the input: ${errors.map((d) => `${d.code}@${d.loc?.line}: ${d.message}`).join(' | ').slice(0, 600)}`];
}

function lineHolds(inputs: Readonly<Record<string, string>>, loc: NonNullable<Diag['loc']>, hostile: string): boolean {
  const text = Object.entries(inputs).find(([name]) => loc.file === name || loc.file.endsWith(`/${name}`))?.[1];
  const line = text?.split('\n')[loc.line - 1] ?? '';
  const needle = JSON.stringify(hostile).slice(1, -1).slice(0, 24);
  return line.includes(needle) || /\$\{?[A-Z]/.test(line);
}
