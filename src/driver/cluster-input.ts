/**
 * The command line's file argument → the Cluster to compile. A file with a top-level
 * `stacks:` key is a cluster file; any other file is a stack file, compiled as a cluster
 * of one stack with its own lock file (driver/lock-file.ts), exactly as before
 * clusters existed.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Cluster } from '../model/cluster.js';
import { defaultStackName } from '../pipeline.js';
import { isClusterText, parseClusterFile } from './cluster-file.js';
import { tryRead } from './inputs.js';
import type { DriverIo } from './io.js';

export interface ClusterOptions {
  /** `-f`: override files of a single stack file. */
  readonly overrides: readonly string[];
  /** `-i`: wins over the cluster file's `inventory:`. */
  readonly inventory?: string;
  /** `--stack`: a single stack file's name. */
  readonly stack?: string;
  /** `--lock FILE`: the lock to read and write instead of the one named after the file. */
  readonly lock?: string;
}

/** The cluster `file` means, or undefined after reporting why it cannot be read. */
export function clusterFor(file: string, opts: ClusterOptions, io: DriverIo, sink: DiagnosticSink): Cluster | undefined {
  const bytes = tryRead(file, io, sink);
  if (!bytes) return undefined;
  if (file === '-' || !isClusterText(bytes.toString('utf8'))) return singleStack(file, opts);
  if (opts.overrides.length > 0 || opts.stack !== undefined) {
    sink.report(diag('USAGE', undefined, `${file} is a cluster file: -f and --stack apply to a stack file (list a stack's files under stacks: instead)`));
    return undefined;
  }
  const cluster = parseClusterFile(bytes, file, opts.lock, sink);
  return cluster && opts.inventory !== undefined ? { ...cluster, inventory: opts.inventory } : cluster;
}

/** A stack file and its overrides: a cluster of one, lock beside the stack file. */
export function singleStack(file: string, opts: ClusterOptions): Cluster {
  return {
    ...(opts.inventory !== undefined ? { inventory: opts.inventory } : {}),
    network: {},
    networkLocs: {},
    stacks: [{ name: opts.stack ?? defaultStackName(file), files: [file, ...opts.overrides] }],
    lockNamedAfter: file,
    ...(opts.lock !== undefined ? { lockOverride: opts.lock } : {}),
  };
}
