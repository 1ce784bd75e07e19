import type { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import type { Plan } from '../model/plan.js';
import type { NormalizedStack } from '../model/stack.js';
import type { Lock } from './lock.js';

export interface PlanOptions {
  /** Previous lock (undefined: none yet). */
  readonly lock?: Lock;
  /** Where the lock came from, for diagnostics. */
  readonly lockFile?: string;
}

/** Placement and allocation. Returns the plan and the lock to record, or undefined after errors. */
export function buildPlan(_stack: NormalizedStack, _inventory: Inventory, _opts: PlanOptions, _sink: DiagnosticSink): { plan: Plan; lock: Lock } | undefined {
  throw new Error('buildPlan: not implemented');
}
