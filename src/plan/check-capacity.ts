/**
 * Counts checked by arithmetic before any task is built: `replicas: 50000000` in a
 * 90-byte file must be answered at once, not after building fifty million task objects
 * (which exhausted the heap after 40 s). The bound is meshc's own limit on tasks per
 * compile (MAX_TASKS: every task is a plan entry, a lock entry and, with ingress ports,
 * rules on every node). Below it placement is quick, and allocate-addresses.ts checks
 * the ingress subnet's capacity by count before handing out any address, alongside the
 * other allocators, so one compile still reports every allocation problem.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { InventoryNode } from '../model/inventory.js';
import type { Service } from '../model/stack.js';

/** Tasks one compile may plan (all services, global tasks counted once per node). */
export const MAX_TASKS = 100_000;

/** Reports what cannot fit; true when placement may go ahead. */
export function checkCapacity(
  services: readonly Service[],
  nodes: readonly InventoryNode[],
  sink: DiagnosticSink,
): boolean {
  const tasksOf = (s: Service) => (s.mode === 'global' ? nodes.length : (s.replicas ?? 1));
  const total = services.reduce((sum, s) => sum + tasksOf(s), 0);
  if (total > MAX_TASKS) {
    const biggest = services.reduce((a, b) => (tasksOf(b) > tasksOf(a) ? b : a));
    sink.report(diag('TASKS_TOO_MANY', biggest.loc, total, MAX_TASKS, biggest.name, tasksOf(biggest)));
    return false;
  }
  return true;
}
