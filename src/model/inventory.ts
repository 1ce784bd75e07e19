/** The cluster as the planner sees it, from a meshc inventory, ansible-inventory JSON, or the default single local node. */
import type { SourceLoc } from '../diagnostics/types.js';
import type { NetworkSettings } from './plan.js';

export interface InventoryNode {
  readonly name: string;
  readonly address: string;
  readonly role: 'manager' | 'worker';
  readonly labels: Readonly<Record<string, string>>;
  /** engine.labels.* */
  readonly engineLabels: Readonly<Record<string, string>>;
  readonly loc?: SourceLoc;
}

export interface Inventory {
  readonly source: string | null;
  readonly nodes: readonly InventoryNode[];
  readonly settings: Partial<NetworkSettings>;
}
