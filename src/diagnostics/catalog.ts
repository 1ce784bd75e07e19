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
  // Added by the file-safety work (issue 13): every input's size guard, and -o/diff ownership.
  INPUT_TOO_LARGE: {
    severity: 'error',
    message: (file: string, size: number, limit: number) => `${file} is ${size} bytes; meshc reads inputs up to ${limit} bytes`,
  },
  OUTPUT_NOT_OWNED: {
    severity: 'error',
    message: (path: string, reason: string, advice: string) => `${path} is not a directory meshc wrote: ${reason}. ${advice}`,
  },
  LOCK_LEGACY_AMBIGUOUS: {
    severity: 'warning',
    message: (legacy: string, stack: string, others: string, lock: string) =>
      `${legacy} is not read: its old-style name fits ${others} as well as ${stack}, so its allocations may not be ${stack}'s; if they are, rename it to ${lock}`,
  },
  DIAGNOSTICS_OMITTED: {
    severity: 'info',
    message: (n: number, severity: string, where: string, max: number) =>
      `\u2026 ${n} more ${severity}${n === 1 ? '' : 's'} ${where} not shown (meshc shows the first ${max} distinct problems per file)`,
  },

  // ---- cluster: many stacks on one swarm (src/driver, src/plan/build-cluster-plan.ts) ----
  CLUSTER_SERVICE_NAME_TAKEN: {
    severity: 'error',
    message: (fullName: string, stack: string, other: string) =>
      `service name '${fullName}' of stack '${stack}' is already in use by stack '${other}' (Swarm service names are <stack>_<service>, one per cluster)`,
  },
  CLUSTER_SETTING_CONFLICT: {
    severity: 'error',
    message: (setting: string, stack: string, value: string, other: string, otherValue: string) =>
      `x-meshc ${setting} of stack '${stack}' is ${value}, but stack '${other}' sets ${otherValue}: one ingress network serves the cluster, so set it once in the cluster file's network: (or make them agree)`,
  },
  CLUSTER_STACK_DUPLICATE: {
    severity: 'error',
    message: (name: string, other: string) => `stack '${name}' differs from stack '${other}' only in case: they would share one runner state directory`,
  },

  // ---- front end: source, interpolate, schema, normalize, deploy checks ---
  // (section owned by the front end; keep sorted)

  // source, version, options, interpolation, schema (keep sorted)
  COMPOSE_FILE_BINARY: {
    severity: 'error',
    message: (file: string, offset: number) => `${file} is not a text file (NUL byte at offset ${offset})`,
  },
  COMPOSE_FILE_ENCODING: {
    severity: 'error',
    message: (file: string, offset: number) => `${file} is not valid UTF-8 (invalid byte sequence at offset ${offset})`,
  },
  COMPOSE_FILE_TOO_LARGE: {
    severity: 'error',
    message: (file: string, size: number, limit: number) => `${file} is ${size} bytes; meshc reads Compose files up to ${limit} bytes`,
  },
  DEPRECATED_OPTION: {
    severity: 'warning',
    message: (path: string, why: string) => `Ignoring deprecated option ${path}: ${why}`,
  },
  DUPLICATE_KEY: {
    severity: 'error',
    message: (key: string, line: number) => `mapping key "${key}" already defined at line ${line}`,
  },
  ENV_FILE_INVALID: {
    severity: 'error',
    message: (file: string, why: string) => `invalid env file ${file}: ${why} (docker stack deploy refuses it)`,
  },
  ENV_FILE_UNREADABLE: {
    severity: 'error',
    message: (entry: string, path: string, why: string) => `env_file ${JSON.stringify(entry)} cannot be read (${path}): ${why}; docker stack deploy would fail`,
  },
  FORBIDDEN_OPTION: {
    severity: 'error',
    message: (path: string, why: string) => `Compose file contains unsupported option ${path}: ${why} (docker stack deploy refuses the file)`,
  },
  HOME_UNSET: {
    severity: 'warning',
    message: (source: string) =>
      `cannot expand '~', because the environment lacks HOME: docker keeps the bind source "${source}" as written, a path under the stack's directory, and so does meshc`,
  },
  INTERPOLATION_CAST_FAILED: {
    severity: 'error',
    message: (path: string, why: string) => `error while interpolating ${path}: failed to cast to expected type: ${why}`,
  },
  INTERPOLATION_INVALID: {
    severity: 'error',
    message: (path: string, template: string) =>
      `invalid interpolation format for ${path}: ${JSON.stringify(template)}; you may need to escape any $ with another $`,
  },
  INTERPOLATION_REQUIRED_VARIABLE: {
    severity: 'error',
    message: (path: string, name: string, why: string) =>
      `invalid interpolation format for ${path}: ${JSON.stringify(`required variable ${name} is missing a value: ${why}`)}; you may need to escape any $ with another $`,
  },
  NON_STRING_KEY: {
    severity: 'error',
    message: (where: string, key: string) => `non-string key ${where === '' ? 'at top level' : `in ${where}`}: ${key}`,
  },
  SCHEMA_VIOLATION: { severity: 'error', message: (field: string, description: string) => `${field} ${description}` },
  TOP_LEVEL_NOT_MAPPING: { severity: 'error', message: (found: string) => `top-level object must be a mapping (found ${found})` },
  UNSUPPORTED_COMPOSE_VERSION: {
    severity: 'error',
    message: (version: string) => `unsupported Compose file version: ${version} (docker stack deploy reads 3.0 to 3.13)`,
  },
  UNSUPPORTED_OPTION: {
    severity: 'warning',
    message: (path: string) => `Ignoring unsupported option ${path}: docker stack deploy ignores it, and so does meshc`,
  },
  YAML_ALIAS_LIMIT: {
    severity: 'error',
    message: (aliased: number, total: number) =>
      `yaml: document contains excessive aliasing (aliases would make ${aliased} of its ${total} nodes; go-yaml's limit, as docker)`,
  },
  YAML_SYNTAX: { severity: 'error', message: (what: string) => `yaml: ${what}` },
  YAML_TOO_DEEP: {
    severity: 'error',
    message: () => 'yaml: the document is nested too deeply to read (thousands of levels); no Compose file needs this',
  },
  EXTERNAL_VOLUME_CONFLICT: {
    severity: 'error',
    message: (key: string, volume: string) => `conflicting parameters "external" and "${key}" specified for volume "${volume}"`,
  },
  VOLUME_SPEC_INVALID: { severity: 'error', message: (why: string) => why },
  EXTERNAL_NAME_CONFLICT: {
    severity: 'error',
    message: (kind: string, name: string) => `${kind} ${name}: ${kind}.external.name and ${kind}.name conflict; only use ${kind}.name`,
  },
  OBJECT_DRIVER_AND_FILE: {
    severity: 'error',
    message: (kind: string, name: string) => `${kind} ${name}: ${kind}.driver and ${kind}.file conflict; only use ${kind}.driver`,
  },
  BIND_SOURCE_EMPTY: { severity: 'error', message: () => `invalid mount config for type "bind": field Source must not be empty` },
  UINT_NEGATIVE: { severity: 'error', message: (field: string, value: number) => `cannot parse '${field}', ${value} overflows uint` },
  SIZE_INVALID: { severity: 'error', message: (field: string, why: string) => `error decoding '${field}': ${why}` },
  PORT_FLOAT: {
    severity: 'error',
    message: (raw: string) => `invalid type float64 for port (${raw} is a YAML float; write the port as an integer or a string)`,
  },

  // normalize, merge and Swarm's deploy-time checks (keep sorted)
  CONSTRAINT_INVALID: {
    severity: 'error',
    message: (raw: string, why: string) => `invalid placement constraint "${raw}": ${why}`,
  },
  DEPLOY_MODE_UNKNOWN: { severity: 'error', message: (mode: string) => `unknown mode: ${mode}` },
  DNSRR_INGRESS_PORT: {
    severity: 'error',
    message: (service: string) => `EndpointSpec: port published with ingress mode can't be used with dnsrr mode (service ${service}; use mode: host or endpoint_mode: vip)`,
  },
  DURATION_INVALID: {
    severity: 'error',
    message: (field: string, raw: string) => `${field}: invalid duration "${raw}" (a non-negative Go duration, e.g. 30s, 1m30s, 500ms)`,
  },
  ENDPOINT_MODE_INVALID: { severity: 'error', message: (mode: string) => `invalid resolution mode: "${mode}"` },
  HEALTHCHECK_DURATION_TOO_SHORT: {
    severity: 'error',
    message: (field: string, raw: string, label: string) =>
      `healthcheck.${field} ${raw} is shorter than 1ms: the daemon refuses to create the task ("${label} in Healthcheck cannot be less than 1ms")`,
  },
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
  OBJECT_FILE_UNREADABLE: {
    severity: 'error',
    message: (kind: string, name: string, file: string, why: string) =>
      `${kind} ${name}: file ${JSON.stringify(file)} cannot be read (${why}): docker stack config accepts this, but docker stack deploy reads the file to create the ${kind} and fails`,
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
  PORT_MERGED_AWAY: {
    severity: 'warning',
    message: (published: number) =>
      `this port is dropped: with several files, docker merges ports by published port, and a later entry of this file also has published port ${published === 0 ? '0 (dynamic)' : published}`,
  },
  PORT_MODE_UNKNOWN: {
    severity: 'warning',
    message: (mode: string) => `unknown publish mode "${mode}": Swarm publishes this port in ingress mode (the routing mesh), and so does meshc; write ingress or host`,
  },
  PORT_OUT_OF_RANGE: {
    severity: 'error',
    message: (field: string, value: number) =>
      field === 'target' && value === 0
        ? `target port 0 is not a container port: docker stack config accepts it, but Swarm would publish to port 0 of the task, where nothing can listen; give the container's port`
        : `${field} port ${value} is out of range (1-65535${field === 'published' ? ', or 0 for a dynamic port' : ''}; swarmkit cannot allocate it)`,
  },
  PORT_PROTOCOL_UNKNOWN: {
    severity: 'warning',
    message: (proto: string) => `unknown protocol "${proto}": Swarm publishes this port as tcp, and so does meshc; write tcp, udp or sctp`,
  },
  PORT_RESERVED: {
    severity: 'error',
    message: (port: number, proto: string, what: string) =>
      `published port ${port}/${proto} is Swarm's own ${what} port; Swarm does not check this, but publishing it breaks the cluster`,
  },
  PORT_SPEC_INVALID: { severity: 'error', message: (raw: string, why: string) => `invalid port "${raw}": ${why}` },
  PUBLISHED_PORT_SHADOWS_NODE_SERVICE: {
    severity: 'warning',
    message: (port: number, proto: string, service: string, what: string) =>
      `published port ${port}/${proto} of service "${service}" shadows the node's own ${what}: the routing mesh DNATs it on every local address of every node, loopback included (docker does the same, without a warning)`,
  },
  REPLICAS_WITH_GLOBAL: { severity: 'error', message: () => `replicas can only be used with replicated or replicated-job mode` },
  TOP_LEVEL_EXTENSION_IGNORED: {
    severity: 'warning',
    message: (key: string) => `${key} is ignored: with several files, docker keeps the top-level x- keys of the first file only`,
  },
  UNDEFINED_REFERENCE: {
    severity: 'error',
    message: (kind: string, name: string) => `undefined ${kind} "${name}"`,
  },
  VERSION_MISMATCH: {
    severity: 'error',
    message: (a: string, b: string) => `version mismatched between two composefiles : ${a} and ${b}`,
  },
  X_MESHC_INVALID: { severity: 'error', message: (path: string, why: string) => `${path} ${why}` },
  PORT_SPEC_REINTERPRETED: {
    severity: 'warning',
    message: (raw: string, part: string) => `port "${raw}": docker ignores ${part}; Swarm publishes what is left, and so does meshc`,
  },
  CONSTRAINT_NEVER_MATCHES: {
    severity: 'warning',
    message: (raw: string, why: string) => `placement constraint "${raw}" matches no node (${why}): Swarm accepts the service and leaves its tasks pending`,
  },
  PREFERENCE_IGNORED: {
    severity: 'warning',
    message: (raw: string) =>
      `placement preference spread "${raw}" is ignored: Swarm's scheduler spreads over node.labels.<key> and engine.labels.<key> only, and skips any other descriptor (so does meshc)`,
  },
  JOB_UPDATE_CONFIG: {
    severity: 'error',
    message: (mode: string) => `Jobs may not have an update config (deploy mode ${mode} with update_config: swarmkit refuses the service)`,
  },
  DEPLOY_REFUSED: {
    severity: 'error',
    message: (why: string) => `${why} (docker stack config accepts this; docker stack deploy refuses it)`,
  },
  SERVICE_NAME_CASE: {
    severity: 'error',
    message: (name: string, other: string) =>
      `service "${name}" differs from service "${other}" only in case: Swarm's name index is case-insensitive, so the second create fails ("name conflicts with an existing object")`,
  },

  // ---- planner: inventory, placement, allocation, lock --------------------
  // (section owned by the planner; keep sorted)
  DYNAMIC_PORTS_EXHAUSTED: {
    severity: 'error',
    message: (proto: string, range: string, needed: number, free: number) =>
      `no dynamic ${proto} port left in ${range}: ${needed} needed, ${free} free (Swarm: "no bit available"); widen dynamic_port_range or publish ports explicitly`,
  },
  FWMARK_POOL_EXHAUSTED: {
    severity: 'error',
    message: (base: number, needed: number, free: number) =>
      `no firewall mark left above fwmark_base ${base}: ${needed} needed, ${free} free; lower fwmark_base`,
  },
  CLIENT_IP_NO_MESH: {
    severity: 'warning',
    message: (service: string) =>
      `service ${service}: client_ip: preserve has no effect: the service publishes no ingress-mode port (host-mode ports already see the client's address, without the mesh)`,
  },
  HEALTH_PORT_UNREACHABLE: {
    severity: 'error',
    message: (service: string, port: number | null, targets: readonly number[]) =>
      port === null
        ? `service ${service}: x-meshc health needs a TCP port, and the service publishes no TCP ingress port; give one (its container must listen on it) and publish it`
        : `service ${service}: x-meshc health port ${port} is not the target of a published TCP ingress port (${targets.length ? targets.join(', ') : 'none'}); the task's filter rules drop it, so the task would never turn healthy`,
  },
  HOST_PORT_CONFLICT: {
    severity: 'warning',
    message: (port: number, proto: string, node: string, task: string, other: string) =>
      `host-mode port ${port}/${proto} is published by both '${other}' and '${task}' on node '${node}': Swarm's scheduler places such tasks on different nodes and leaves one pending when no node is free; add max_replicas_per_node: 1 or a constraint`,
  },
  INGRESS_SUBNET_EXHAUSTED: {
    severity: 'error',
    message: (subnet: string, needed: number, free: number, suggest: string) =>
      `ingress subnet ${subnet} is too small: ${needed} addresses needed (node sandboxes, service VIPs, tasks), ${free} free; set a larger ingress_subnet, e.g. ${suggest}`,
  },
  INVENTORY_ADDRESS_DUPLICATE: {
    severity: 'error',
    message: (address: string, node: string, other: string) => `node '${node}' has address ${address}, already used by node '${other}'`,
  },
  INVENTORY_ADDRESS_INVALID: {
    severity: 'error',
    message: (address: string, node: string) => `node '${node}': address "${address}" is not an IPv4 address (the underlay address VXLAN peers use)`,
  },
  INVENTORY_EMPTY: { severity: 'error', message: (source: string) => `inventory ${source} has no nodes` },
  INVENTORY_INVALID: { severity: 'error', message: (path: string, why: string) => `inventory: ${path} ${why}` },
  INVENTORY_LABEL_INVALID: {
    severity: 'error',
    message: (node: string, which: string, text: string, grammar: string) =>
      `node '${node}': label ${which} "${text}" is not allowed (meshc writes labels into scripts; it must match ${grammar})`,
  },
  INVENTORY_NODE_DUPLICATE: { severity: 'error', message: (name: string) => `node name '${name}' is declared twice` },
  INVENTORY_NODE_NAME_INVALID: {
    severity: 'error',
    message: (name: string, grammar: string) =>
      `invalid node name "${name}": node names become file and namespace names, so they must match ${grammar}`,
  },
  INVENTORY_SYNTAX: { severity: 'error', message: (why: string) => `inventory is not valid YAML or JSON: ${why}` },
  LOCK_INVALID: {
    severity: 'error',
    message: (file: string, why: string) => `lock file ${file} is invalid: ${why}; fix it or delete it to reallocate everything`,
  },
  LOCK_VALUE_REALLOCATED: {
    severity: 'warning',
    message: (what: string, old: string, next: string, why: string) =>
      `${what}: locked value ${old} is no longer valid (${why}); reallocated as ${next} (the lock file will change)`,
  },
  MAX_REPLICAS_UNSATISFIABLE: {
    severity: 'warning',
    message: (service: string, replicas: number, nodes: number, max: number) =>
      `${replicas - nodes * max} task(s) of ${service} stay pending: max_replicas_per_node ${max} on ${nodes} eligible node(s) allows only ${nodes * max} of ${replicas} (Swarm: "max replicas per node limit exceed"); meshc meshes the ${nodes * max} it can place`,
  },
  NODE_ADDRESS_IN_SUBNET: {
    severity: 'error',
    message: (node: string, address: string, setting: string, subnet: string) =>
      `node '${node}' has address ${address}, inside ${setting} ${subnet}: VXLAN traffic to it would be routed into the mesh; pick a ${setting} that does not contain the nodes' addresses`,
  },
  NO_ELIGIBLE_NODE: {
    severity: 'warning',
    message: (service: string, constraints: string, nodes: number, tasks: number | string) =>
      `${tasks} task(s) of ${service} stay pending: no node has ${constraints} (none of the inventory's ${nodes} node(s)); Swarm accepts the service and leaves them unscheduled, meshc meshes none of them`,
  },
  PLACEMENT_KEY_UNSUPPORTED: {
    severity: 'warning',
    message: (key: string) =>
      `placement key "${key}" is not recorded in the inventory: meshc takes every node to satisfy this constraint (Swarm matches it against each node's own report)`,
  },
  SETTING_INVALID: { severity: 'error', message: (name: string, value: string, why: string) => `${name} "${value}" is invalid: ${why}` },
  INVENTORY_ADDRESS_UNUSABLE: {
    severity: 'error',
    message: (address: string, node: string, why: string) =>
      `node '${node}': address ${address} is ${why}; VXLAN peers need the node's unicast underlay address`,
  },
  TASKS_TOO_MANY: {
    severity: 'error',
    message: (total: number, max: number, service: string, tasks: number) =>
      `the stack asks for ${total} tasks (service '${service}': ${tasks}); meshc plans at most ${max} tasks per compile`,
  },

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
