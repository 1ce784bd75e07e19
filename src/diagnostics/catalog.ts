/**
 * The one catalog of every user-facing diagnostic: one entry per code, sorted by
 * code within each stage's section. No message strings live anywhere else, so
 * reviewers see every sentence in one place and codes stay stable.
 *
 * Stages report through `diag`, which type-checks the message arguments:
 *   sink.report(diag('PORT_CONFLICT', loc, 8080, 'tcp', 'web'))
 */
import type { Diagnostic, RelatedNote, Severity, SourceLoc } from './types.js';

interface Entry {
  readonly severity: Severity;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly message: (...args: any[]) => string;
}

export const catalog = {
  // ---- cli / io ----------------------------------------------------------
  FILE_NOT_FOUND: { severity: 'error', message: (file: string) => `cannot read ${file}: no such file` },
  FILE_UNREADABLE: { severity: 'error', message: (file: string, reason: string) => `cannot read ${file}: ${reason}` },
  LOCK_STALE: {
    severity: 'error',
    message: (lockFile: string) => `${lockFile} is out of date (--frozen): run \`meshc compile\` and commit the lock file`,
  },
  NOTHING_TO_EXPLAIN: { severity: 'error', message: (what: string) => `no published port matches ${what}` },
  OUTPUT_UNWRITABLE: { severity: 'error', message: (path: string, reason: string) => `cannot write ${path}: ${reason}` },
  TOO_MANY_WARNINGS: {
    severity: 'error',
    message: (count: number, max: number) => `${count} warnings, more than --max-warnings ${max} allows`,
  },
  USAGE: { severity: 'error', message: (what: string) => what },

  // ---- front end: source, interpolate, schema, normalize, deploy checks ---
  // (section owned by the front end; keep sorted)

  // normalize, merge and Swarm's deploy-time checks (keep sorted)
  CONSTRAINT_INVALID: {
    severity: 'error',
    message: (raw: string, why: string) => `invalid placement constraint "${raw}": ${why}`,
  },
  DEPLOY_MODE_UNKNOWN: { severity: 'error', message: (mode: string) => `unknown mode: ${mode}` },
  DEPLOY_MODE_UNSUPPORTED: {
    severity: 'error',
    message: (mode: string) => `deploy mode ${mode} is not supported by meshc: jobs run to completion and publish no long-lived ports (use replicated or global)`,
  },
  DNSRR_INGRESS_PORT: {
    severity: 'error',
    message: (service: string) => `EndpointSpec: port published with ingress mode can't be used with dnsrr mode (service ${service}; use mode: host or endpoint_mode: vip)`,
  },
  DURATION_INVALID: {
    severity: 'error',
    message: (field: string, raw: string) => `${field}: invalid duration "${raw}" (Go duration syntax, e.g. 30s, 1m30s, 500ms)`,
  },
  ENDPOINT_MODE_INVALID: { severity: 'error', message: (mode: string) => `invalid resolution mode: "${mode}"` },
  HEALTHCHECK_TEST_AND_DISABLE: { severity: 'error', message: () => `test and disable can't be set at the same time` },
  IMAGE_MISSING: { severity: 'error', message: (service: string) => `invalid image reference for service ${service}: no image specified` },
  INGRESS_NETWORK_ATTACHED: {
    severity: 'error',
    message: (name: string) => `Service cannot be explicitly attached to the ingress network "${name}"`,
  },
  NAME_INVALID: {
    severity: 'error',
    message: (kind: string, name: string, why: string) => `invalid ${kind} name "${name}": ${why}`,
  },
  PORT_CONFLICT: {
    severity: 'error',
    message: (port: number, proto: string, other: string, as: string) =>
      `port '${port}' (${proto}) is already in use by service '${other}' as ${as === 'host' ? 'a host-published' : 'an ingress'} port`,
  },
  PORT_DUPLICATE: {
    severity: 'error',
    message: (port: number, proto: string) => `EndpointSpec: duplicate published ports provided (${port}/${proto} is published twice in this service)`,
  },
  PORT_HOST_IP_IGNORED: {
    severity: 'warning',
    message: (raw: string) => `ignoring IP-address (${raw}) service will listen on '0.0.0.0' (as docker stack deploy does: the routing mesh publishes on every address)`,
  },
  PORT_MODE_UNKNOWN: {
    severity: 'error',
    message: (mode: string) => `unknown publish mode "${mode}": Swarm would silently use ingress; write ingress or host`,
  },
  PORT_OUT_OF_RANGE: {
    severity: 'error',
    message: (field: string, value: number) => `${field} port ${value} is out of range (1-65535${field === 'published' ? ', or 0 for a dynamic port' : ''})`,
  },
  PORT_PROTOCOL_UNKNOWN: {
    severity: 'error',
    message: (proto: string) => `unknown protocol "${proto}": Swarm would silently publish it as tcp; write tcp, udp or sctp`,
  },
  PORT_RESERVED: {
    severity: 'error',
    message: (port: number, proto: string, what: string) =>
      `published port ${port}/${proto} is Swarm's own ${what} port; Swarm does not check this, but publishing it breaks the cluster`,
  },
  PORT_SPEC_INVALID: { severity: 'error', message: (raw: string, why: string) => `invalid port "${raw}": ${why}` },
  PREFERENCE_INVALID: {
    severity: 'error',
    message: (raw: string) => `invalid placement preference "${raw}": spread takes node.labels.<key> or engine.labels.<key>`,
  },
  REPLICAS_WITH_GLOBAL: { severity: 'error', message: () => `replicas can only be used with replicated or replicated-job mode` },
  UNDEFINED_REFERENCE: {
    severity: 'error',
    message: (kind: string, name: string) => `undefined ${kind} "${name}"`,
  },
  VERSION_MISMATCH: {
    severity: 'error',
    message: (a: string, b: string) => `version mismatched between two composefiles : ${a} and ${b}`,
  },
  X_MESHC_INVALID: { severity: 'error', message: (path: string, why: string) => `x-meshc: ${path} ${why}` },

  // ---- planner: inventory, placement, allocation, lock --------------------
  // (section owned by the planner; keep sorted)

  // ---- emitters -----------------------------------------------------------
  // (section owned by the emitters; keep sorted)
} as const satisfies Record<string, Entry>;

export type DiagnosticCode = keyof typeof catalog;

type Args<C extends DiagnosticCode> = Parameters<(typeof catalog)[C]['message']>;

/** Builds the diagnostic for `code` at `loc` (undefined: no position, e.g. a CLI problem). */
export function diag<C extends DiagnosticCode>(code: C, loc: SourceLoc | undefined, ...args: Args<C>): Diagnostic {
  const entry: Entry = catalog[code];
  return { code, severity: entry.severity, message: entry.message(...args), loc };
}

/** The same, with related locations shown as notes ("first declared here"). */
export function diagWithNotes<C extends DiagnosticCode>(
  code: C,
  loc: SourceLoc | undefined,
  notes: readonly RelatedNote[],
  ...args: Args<C>
): Diagnostic {
  return { ...diag(code, loc, ...args), notes };
}
