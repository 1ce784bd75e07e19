/** The cluster as the planner sees it, from a meshc inventory, ansible-inventory JSON, or the default single local node. */
import type { SourceLoc } from '../diagnostics/types.js';
import type { NetworkSettings } from './plan.js';

export interface InventoryNode {
  /** Grammar `^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$` (it names files and namespaces). */
  readonly name: string;
  /** Underlay IPv4 address (VXLAN peer). */
  readonly address: string;
  readonly role: 'manager' | 'worker';
  /** node.labels.* */
  readonly labels: Readonly<Record<string, string>>;
  /** engine.labels.* */
  readonly engineLabels: Readonly<Record<string, string>>;
  readonly loc?: SourceLoc;
}

export interface Inventory {
  /** File name, `<stdin>`, or null for the default local node. */
  readonly source: string | null;
  readonly nodes: readonly InventoryNode[];
  readonly settings: Partial<NetworkSettings>;
  /** Where each setting was written, for diagnostics about its value. */
  readonly settingLocs?: Readonly<Partial<Record<keyof NetworkSettings, SourceLoc>>>;
}
