/**
 * docker/cli's `interpolateTypeCastMapping`: after a substitution changed a string at one
 * of these paths, the result is converted to the type the schema expects (so
 * `published: ${PORT}` validates as an integer). An unchanged string is never cast.
 */
export type CastResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };
export type Cast = (value: string) => CastResult;

const quote = (s: string) => JSON.stringify(s);

/** strconv.Atoi */
export const toInt: Cast = (s) => {
  if (!/^[+-]?[0-9]+$/.test(s)) return { ok: false, error: `strconv.Atoi: parsing ${quote(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return { ok: false, error: `strconv.Atoi: parsing ${quote(s)}: value out of range` };
  }
  return { ok: true, value: Number(n) };
};

const GO_FLOAT = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)$/i;

/** strconv.ParseFloat(s, 64), decimal forms */
export const toFloat: Cast = (s) => {
  if (!GO_FLOAT.test(s)) return { ok: false, error: `strconv.ParseFloat: parsing ${quote(s)}: invalid syntax` };
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower.endsWith('nan')) return { ok: true, value: Number.NaN };
  if (lower.includes('inf')) return { ok: true, value: lower.startsWith('-') ? -Infinity : Infinity };
  return { ok: true, value: Number(s) };
};

/** YAML 1.1 booleans, as docker's toBoolean */
export const toBoolean: Cast = (s) => {
  const v = s.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(v)) return { ok: true, value: true };
  if (['n', 'no', 'false', 'off'].includes(v)) return { ok: true, value: false };
  return { ok: false, error: `invalid boolean: ${s}` };
};

/** Docker's path patterns: `*` is any mapping key, `[]` any list item. */
const service = (...p: string[]) => ['services', '*', ...p].join('.');
const CASTS: ReadonlyArray<readonly [string, Cast]> = [
  [service('configs', '[]', 'mode'), toInt],
  [service('secrets', '[]', 'mode'), toInt],
  [service('healthcheck', 'retries'), toInt],
  [service('healthcheck', 'disable'), toBoolean],
  [service('deploy', 'replicas'), toInt],
  [service('deploy', 'update_config', 'parallelism'), toInt],
  [service('deploy', 'update_config', 'max_failure_ratio'), toFloat],
  [service('deploy', 'rollback_config', 'parallelism'), toInt],
  [service('deploy', 'rollback_config', 'max_failure_ratio'), toFloat],
  [service('deploy', 'restart_policy', 'max_attempts'), toInt],
  [service('deploy', 'placement', 'max_replicas_per_node'), toInt],
  [service('ports', '[]', 'target'), toInt],
  [service('ports', '[]', 'published'), toInt],
  [service('ulimits', '*'), toInt],
  [service('ulimits', '*', 'hard'), toInt],
  [service('ulimits', '*', 'soft'), toInt],
  [service('privileged'), toBoolean],
  [service('read_only'), toBoolean],
  [service('stdin_open'), toBoolean],
  [service('tty'), toBoolean],
  [service('volumes', '[]', 'read_only'), toBoolean],
  [service('volumes', '[]', 'volume', 'nocopy'), toBoolean],
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
];

/** The cast for a docker-style path (`services.web.ports.[].published`), if any. */
export function castFor(dockerPath: string): Cast | undefined {
  const parts = dockerPath.split('.');
  for (const [pattern, cast] of CASTS) {
    const want = pattern.split('.');
    if (want.length === parts.length && want.every((w, i) => w === '*' || w === parts[i])) return cast;
  }
  return undefined;
}
