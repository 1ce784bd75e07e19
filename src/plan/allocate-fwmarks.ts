/**
 * One firewall mark per service with ingress ports, shared by all its ports and the
 * same on every node (Swarm's marks are a per-daemon counter and differ between
 * nodes). Fresh marks count up from fwmark_base in service-name order; locked marks
 * stay while they are at or above the base.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { Service } from '../model/stack.js';
import type { Lock } from './lock.js';
import { allocateSticky } from './sticky-pool.js';

const MAX_MARK = 2 ** 32 - 1;

/** service name → mark, or undefined when the marks above the base ran out. */
export function allocateFwmarks(
  services: readonly Service[],
  base: number,
  locked: Lock['fwmarks'],
  baseLoc: SourceLoc | undefined,
  sink: DiagnosticSink,
): Record<string, number> | undefined {
  const claims = services.map((s) => ({ key: s.name, locked: locked[s.name] }));
  const result = allocateSticky(claims, { first: base, last: MAX_MARK, taken: new Set() });
  if (result.unserved > 0) {
    sink.report(diag('FWMARK_POOL_EXHAUSTED', baseLoc, base, result.needed, result.free));
    return undefined;
  }
  for (const m of result.moved) {
    const why = m.why === 'outside' ? `below fwmark_base ${base}` : 'locked twice';
    sink.report(diag('LOCK_VALUE_REALLOCATED', services.find((s) => s.name === m.key)?.loc, `fwmark of service '${m.key}'`, String(m.old), String(result.values.get(m.key)), why));
  }
  // Filled by forEach: fromEntries over a Map allocates an entry pair per service.
  const marks: Record<string, number> = {};
  result.values.forEach((mark, name) => (marks[name] = mark));
  return marks;
}
