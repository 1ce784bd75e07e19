/**
 * `deploy.placement`: constraints in swarmkit's grammar (`<key> ==|!= <value>`), spread
 * preferences and max_replicas_per_node. Only the keys the planner can evaluate from the
 * inventory are accepted; anything else is named in the error.
 */
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import type { Constraint, Placement } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';

const FIXED_KEYS = ['node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch'];
const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];
// swarmkit constraint.Parse: key and value alphabets.
const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

/** Why `key` is not one meshc evaluates, or undefined. */
function keyProblem(key: string): string | undefined {
  if (!KEY.test(key)) return `"${key}" is not a valid constraint key`;
  if (FIXED_KEYS.includes(key.toLowerCase())) return undefined;
  const prefix = LABEL_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
  if (prefix && key.length > prefix.length) return undefined;
  return `unknown key "${key}" (meshc supports ${FIXED_KEYS.join(', ')}, node.labels.<key>, engine.labels.<key>)`;
}

/** One constraint string → Constraint, or the reason it is malformed. */
export function parseConstraint(raw: string): Omit<Constraint, 'loc'> | { error: string } {
  const eq = raw.indexOf('==');
  const ne = raw.indexOf('!=');
  const at = eq >= 0 && (ne < 0 || eq < ne) ? eq : ne;
  if (at < 0) return { error: 'expected <key>==<value> or <key>!=<value>' };
  const op = raw.slice(at, at + 2) as '==' | '!=';
  const key = raw.slice(0, at).trim();
  const value = raw.slice(at + 2).trim();
  const problem = keyProblem(key);
  if (problem) return { error: problem };
  if (!VALUE.test(value)) return { error: `"${value}" is not a valid constraint value` };
  if (key.toLowerCase() === 'node.role' && !['manager', 'worker'].includes(value.toLowerCase())) {
    return { error: `node.role is manager or worker, not "${value}"` };
  }
  return { key, op, value, raw };
}

export function normalizePlacement(ctx: NormalizeContext, servicePath: JsonPath): Placement {
  const path = [...servicePath, 'deploy', 'placement'];
  const p = valueAt(ctx.doc, path);
  const placement = isRecord(p) ? p : {};
  const constraints: Constraint[] = [];
  (Array.isArray(placement.constraints) ? placement.constraints : []).forEach((raw, i) => {
    const loc = ctx.doc.locate([...path, 'constraints', i]);
    const parsed = parseConstraint(String(raw));
    if ('error' in parsed) ctx.sink.report(diag('CONSTRAINT_INVALID', loc, String(raw), parsed.error));
    else constraints.push({ ...parsed, loc });
  });
  const spread: Placement['spread'][number][] = [];
  (Array.isArray(placement.preferences) ? placement.preferences : []).forEach((pref, i) => {
    const loc = ctx.doc.locate([...path, 'preferences', i, 'spread']);
    const descriptor = isRecord(pref) && typeof pref.spread === 'string' ? pref.spread : '';
    const ok = LABEL_PREFIXES.some((prefix) => descriptor.startsWith(prefix) && descriptor.length > prefix.length);
    if (ok) spread.push({ descriptor, loc });
    else ctx.sink.report(diag('PREFERENCE_INVALID', loc, descriptor));
  });
  const max = placement.max_replicas_per_node;
  return typeof max === 'number' && max > 0 ? { constraints, spread, maxReplicasPerNode: max } : { constraints, spread };
}
