import type { Plan } from '../model/plan.js';

/**
 * What a plan meshes, for the words of the generated files: a stack file's plan is one
 * stack (`stack shop`); a cluster file's (its services each name their stack) is the
 * cluster (`cluster meshc`), whose name `plan.stack` then holds.
 */
export function meshKind(plan: Plan): 'stack' | 'cluster' {
  return plan.services.some((s) => s.stack !== undefined) ? 'cluster' : 'stack';
}
