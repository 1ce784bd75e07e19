/**
 * Cluster: the driver's input model. Swarm has one ingress network per cluster and every
 * stack deployed to it shares it, so meshc compiles an inventory plus N named stacks into
 * one mesh. `meshc compile stack.yml` is a cluster of one stack (`file` undefined), whose
 * lock keeps the per-stack shape it always had.
 */
import type { SourceLoc } from '../diagnostics/types.js';
import type { NetworkSettings } from './plan.js';

export interface ClusterStack {
  /** Swarm's stack name: services are `<name>_<service>`. */
  readonly name: string;
  /** The stack file first, then override files merged in order (as with `-f`). */
  readonly files: readonly string[];
  /** Where the cluster file names this stack (undefined for a cluster of one). */
  readonly loc?: SourceLoc;
}

export interface Cluster {
  /** The cluster file (`meshc.yml`), or undefined for a single stack file. */
  readonly file?: string;
  /** Inventory file (`-i` wins over the cluster file's `inventory:`); undefined: one local node. */
  readonly inventory?: string;
  /** The cluster file's `network:` (below the inventory's, above the stacks' x-meshc). */
  readonly network: Partial<NetworkSettings>;
  readonly networkLocs: Readonly<Partial<Record<keyof NetworkSettings, SourceLoc>>>;
  /** In the cluster file's order (the planner sorts; order never changes an allocation). */
  readonly stacks: readonly ClusterStack[];
  /**
   * The lock that records every allocation of every stack: named after this file
   * (driver/lock-file.ts), or `--lock FILE`. Located only once the stacks loaded, so a
   * file name no stack could have never reaches the file system.
   */
  readonly lockNamedAfter: string;
  readonly lockOverride?: string;
}
