/**
 * `deploy.placement`: constraints in swarmkit's grammar (`<key> ==|!= <value>`), spread
 * preferences and max_replicas_per_node.
 *
 * What Swarm refuses is an error: swarmkit manager/controlapi/service.go
 * `validatePlacement` runs manager/constraint/constraint.go `Parse` (an operator, the key
 * and value alphabets). Everything else deploys, so it is at most a warning: a key
 * `NodeMatches` does not know (its `default:` case) or a role no node has matches no node
 * and the tasks stay pending; a spread descriptor other than node.labels.* /
 * engine.labels.* is skipped by manager/scheduler/nodeset.go `tree` (`default: continue`).
 * Whether a node satisfies a constraint is the planner's business, and only with an
 * inventory (src/plan/place-tasks.ts).
 */
import { isIP } from 'node:net';
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import type { Constraint, Placement } from '../model/stack.js';
import { isRecord, valueUnder, type NormalizeContext } from './context.js';

const FIXED_KEYS = ['node.id', 'node.hostname', 'node.ip', 'node.role', 'node.platform.os', 'node.platform.arch'];
export const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];
// swarmkit constraint.Parse: key and value alphabets, operators tried in this order.
const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;
const OPERATORS = ['==', '!='] as const;

/** True when `descriptor` starts with a label prefix (swarmkit compares it with strings.EqualFold) and names a label. */
export function isLabelDescriptor(descriptor: string): boolean {
  const lower = descriptor.toLowerCase();
  return LABEL_PREFIXES.some((p) => lower.startsWith(p) && descriptor.length > p.length);
}

/** Why a parsed constraint can match no node whatever the inventory (Swarm deploys it; tasks stay pending), or undefined. */
export function neverMatches(c: Omit<Constraint, 'loc'>): string | undefined {
  const key = c.key.toLowerCase();
  if (!FIXED_KEYS.includes(key) && !isLabelDescriptor(c.key)) return `Swarm knows no key "${c.key}"`;
  if (key === 'node.role' && c.op === '==' && !['manager', 'worker'].includes(c.value.toLowerCase())) {
    return `node.role is manager or worker, not "${c.value}"`;
  }
  if (key === 'node.ip' && !isIP(c.value) && !isCidr(c.value)) return `"${c.value}" is neither an IP address nor a CIDR subnet`;
  return undefined;
}

function isCidr(v: string): boolean {
  const [ip, bits, ...rest] = v.split('/');
  if (rest.length > 0 || ip === undefined || bits === undefined || !/^[0-9]+$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** One constraint string → Constraint, or swarmkit's reason to refuse it (constraint.Parse). */
export function parseConstraint(raw: string): Omit<Constraint, 'loc'> | { error: string } {
  const op = OPERATORS.find((o) => raw.includes(o));
  if (op === undefined) return { error: `constraint expected one operator from ${OPERATORS.join(', ')}` };
  const at = raw.indexOf(op);
  const key = raw.slice(0, at).trim();
  const value = raw.slice(at + 2).trim();
  if (!KEY.test(key)) return { error: `key '${key}' is invalid` };
  if (!VALUE.test(value)) return { error: `value '${value}' is invalid` };
  return { key, op, value, raw };
}

export function normalizePlacement(ctx: NormalizeContext, servicePath: JsonPath): Placement {
  const p = valueUnder(ctx.doc, servicePath, 'deploy', 'placement');
  // Most services place nothing: no path, no lists to walk.
  if (!isRecord(p)) return { constraints: [], spread: [] };
  const placement = p;
  const path = [...servicePath, 'deploy', 'placement'];
  const constraints: Constraint[] = [];
  (Array.isArray(placement.constraints) ? placement.constraints : []).forEach((raw, i) => {
    const loc = ctx.doc.locate([...path, 'constraints', i]);
    const parsed = parseConstraint(String(raw));
    if ('error' in parsed) {
      ctx.sink.report(diag('CONSTRAINT_INVALID', loc, String(raw), parsed.error));
      return;
    }
    const never = neverMatches(parsed);
    if (never) ctx.sink.report(diag('CONSTRAINT_NEVER_MATCHES', loc, String(raw), never));
    constraints.push({ ...parsed, loc });
  });
  const spread: Placement['spread'][number][] = [];
  (Array.isArray(placement.preferences) ? placement.preferences : []).forEach((pref, i) => {
    const loc = ctx.doc.locate([...path, 'preferences', i, 'spread']);
    const descriptor = isRecord(pref) && typeof pref.spread === 'string' ? pref.spread : '';
    if (isLabelDescriptor(descriptor)) spread.push({ descriptor, loc });
    else ctx.sink.report(diag('PREFERENCE_IGNORED', loc, descriptor));
  });
  const max = placement.max_replicas_per_node;
  return typeof max === 'number' && max > 0 ? { constraints, spread, maxReplicasPerNode: max } : { constraints, spread };
}
