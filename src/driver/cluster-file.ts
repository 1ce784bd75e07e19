/**
 * The cluster file (`meshc.yml`): a YAML file with a top-level `stacks:` key. Read through
 * the Compose front end's path (decode → positioned YAML → precompiled ajv schema → docker-
 * worded problems at their positions); paths in it are relative to it.
 */
import { dirname, join, isAbsolute } from 'node:path';
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { Cluster, ClusterStack } from '../model/cluster.js';
import type { NetworkSettings } from '../model/plan.js';
import { readPositioned } from '../source/positioned.js';
import type { SourceMap } from '../source/source-map.js';
import { reduceSchemaErrors } from '../validate/schema-errors.js';
import { dnsComponentProblem } from '../normalize/names.js';
import { SETTING_KEYS, settingName } from '../plan/settings.js';
import { precompiledValidator } from './precompiled.js';

/**
 * A top-level `stacks:` key (Compose allows no such key, so no stack file has one). A cheap
 * text test: the driver decides which reader to run before parsing anything.
 */
export function isClusterText(text: string): boolean {
  return /^["']?stacks["']?[ \t]*:/m.test(text);
}

interface RawCluster {
  readonly inventory?: string;
  readonly network?: Readonly<Record<string, unknown>>;
  readonly stacks: Readonly<Record<string, string | readonly string[]>>;
}

/** The cluster in `bytes` (already read from `file`), or undefined after reporting every problem. */
export function parseClusterFile(bytes: Buffer, file: string, lockOverride: string | undefined, sink: DiagnosticSink): Cluster | undefined {
  const read = readPositioned(bytes, file, sink);
  if (!read) return undefined;
  const { parsed, map } = read;
  const errors = precompiledValidator('cluster')(parsed.data ?? null);
  if (errors.length > 0) {
    const problems = reduceSchemaErrors(errors, parsed.data)
      .map((p) => ({ p, loc: p.keyPath ? map.locateKey(p.keyPath) : map.locate(p.path) }))
      .sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
    for (const { p, loc } of problems) sink.report(diag('SCHEMA_VIOLATION', loc, p.field, p.description));
    return undefined;
  }
  const raw = parsed.data as RawCluster;
  const stacks = readStacks(raw, file, map, sink);
  if (!stacks) return undefined;
  const { network, networkLocs } = readNetwork(raw, map);
  return {
    file,
    ...(raw.inventory !== undefined ? { inventory: relativeTo(file, raw.inventory) } : {}),
    network,
    networkLocs,
    stacks,
    lockNamedAfter: file,
    ...(lockOverride !== undefined ? { lockOverride } : {}),
  };
}

function readStacks(raw: RawCluster, file: string, map: SourceMap, sink: DiagnosticSink): ClusterStack[] | undefined {
  const before = sink.errorCount;
  const stacks: ClusterStack[] = [];
  const lower = new Map<string, ClusterStack>();
  for (const [name, value] of Object.entries(raw.stacks)) {
    const loc = map.locateKey(['stacks', name]);
    const problem = stackNameProblem(name);
    if (problem) sink.report(diag('NAME_INVALID', loc, 'stack', name, problem));
    const stack: ClusterStack = { name, files: (typeof value === 'string' ? [value] : value).map((f) => relativeTo(file, f)), loc };
    // Swarm's names are case-sensitive, but the same name in two cases would share one
    // runner state directory on a case-insensitive checkout: refuse it.
    const twin = lower.get(name.toLowerCase());
    if (twin) sink.report(diagWithNotes('CLUSTER_STACK_DUPLICATE', loc, [{ message: `stack '${twin.name}' is declared here`, loc: twin.loc as SourceLoc }], name, twin.name));
    lower.set(name.toLowerCase(), stack);
    stacks.push(stack);
  }
  return sink.errorCount === before ? stacks : undefined;
}

/**
 * docker/cli's validateStackName (cli/command/stack/options.go: blank after trimming is
 * refused) and swarmkit's validateAnnotations on `<stack>_<service>` (a DNS component).
 */
function stackNameProblem(name: string): string | undefined {
  if (name.trim() === '') return `invalid stack name: ${JSON.stringify(name)}`;
  return dnsComponentProblem(name);
}

function readNetwork(raw: RawCluster, map: SourceMap): Pick<Cluster, 'network' | 'networkLocs'> {
  const network: Record<string, unknown> = {};
  const networkLocs: Partial<Record<keyof NetworkSettings, SourceLoc>> = {};
  for (const key of SETTING_KEYS) {
    const value = raw.network?.[settingName(key)];
    if (value === undefined) continue;
    network[key] = value;
    networkLocs[key] = map.locate(['network', settingName(key)]);
  }
  return { network: network as Partial<NetworkSettings>, networkLocs };
}

/** Paths in the cluster file are relative to the cluster file. */
function relativeTo(clusterFile: string, path: string): string {
  return isAbsolute(path) ? path : join(dirname(clusterFile), path);
}
