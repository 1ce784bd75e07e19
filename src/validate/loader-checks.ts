/**
 * What docker/cli's loader (cli/compose/loader/loader.go, v28.2.2) refuses after the
 * schema passed, while it turns the map into Go types: each check names the function it
 * mirrors, and the message is docker's own.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink, SourceLoc } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { parseVolumeSpec } from './volume-spec.js';

type Locate = (p: JsonPath) => SourceLoc;
type Env = Readonly<Record<string, string | undefined>>;
type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isDict(v) ? Object.entries(v) : []);

export function checkLoader(data: Dict, locate: Locate, sink: DiagnosticSink, env: Env): void {
  externalVolumes(data, locate, sink);
  for (const kind of ['network', 'volume', 'secret', 'config'] as const) externalNames(data, kind, locate, sink);
  for (const kind of ['secret', 'config'] as const) driverAndFile(data, kind, locate, sink);
  for (const [name, svc] of entries(data.services)) {
    if (!isDict(svc)) continue;
    const at = (...p: (string | number)[]): JsonPath => ['services', name, ...p];
    bindSources(svc, at, locate, sink, env);
    unsigned(svc, at, locate, sink);
    sizes(svc, at, locate, sink);
  }
}

/** LoadVolumes: an external volume takes no driver, driver_opts or labels (the first found is named). */
function externalVolumes(data: Dict, locate: Locate, sink: DiagnosticSink): void {
  for (const [name, vol] of entries(data.volumes)) {
    if (!isDict(vol) || !(vol.external === true || isDict(vol.external))) continue;
    // Labels are a list or a mapping: either, non-empty, conflicts.
    const labels = Array.isArray(vol.labels) ? vol.labels.length : entries(vol.labels).length;
    const key = vol.driver ? 'driver' : entries(vol.driver_opts).length > 0 ? 'driver_opts' : labels > 0 ? 'labels' : undefined;
    if (key) sink.report(diag('EXTERNAL_VOLUME_CONFLICT', locate(['volumes', name, key]), key, name));
  }
}

/**
 * LoadNetworks, LoadVolumes and loadFileObjectConfig: an external object named both by the
 * deprecated `external.name` and by `name` is refused (for a volume, only once no driver,
 * driver_opts or labels conflict, which LoadVolumes checks first).
 */
function externalNames(data: Dict, kind: 'network' | 'volume' | 'secret' | 'config', locate: Locate, sink: DiagnosticSink): void {
  for (const [name, obj] of entries(data[`${kind}s`])) {
    if (!isDict(obj) || !isDict(obj.external) || !obj.external.name || !obj.name) continue;
    sink.report(diag('EXTERNAL_NAME_CONFLICT', locate([`${kind}s`, name, 'external', 'name']), kind, name));
  }
}

/** loadFileObjectConfig: a secret or config with a driver takes no file. */
function driverAndFile(data: Dict, kind: 'secret' | 'config', locate: Locate, sink: DiagnosticSink): void {
  for (const [name, obj] of entries(data[`${kind}s`])) {
    if (!isDict(obj) || obj.external === true || isDict(obj.external)) continue;
    if (obj.driver && obj.file) sink.report(diag('OBJECT_DRIVER_AND_FILE', locate([`${kind}s`, name, 'driver']), kind, name));
  }
}

/**
 * transformServiceVolumeConfig (volumespec `Parse`): a short volume that does not parse;
 * resolveVolumePaths: a long-syntax bind mount needs a source, and `expandUser` warns (and
 * keeps the `~`) where the loader's environment has no HOME.
 */
function bindSources(svc: Dict, at: (...p: (string | number)[]) => JsonPath, locate: Locate, sink: DiagnosticSink, env: Env): void {
  const vols = Array.isArray(svc.volumes) ? svc.volumes : [];
  vols.forEach((v, i) => {
    const short = typeof v === 'string' ? parseVolumeSpec(v) : undefined;
    if (short && !short.ok) sink.report(diag('VOLUME_SPEC_INVALID', locate(at('volumes', i)), short.error));
    if (isDict(v) && v.type === 'bind' && (v.source === undefined || v.source === '' || v.source === null)) {
      sink.report(diag('BIND_SOURCE_EMPTY', locate(at('volumes', i))));
    }
    const bind = short?.ok ? short.volume : isDict(v) ? v : undefined;
    if (bind?.type === 'bind' && typeof bind.source === 'string' && bind.source.startsWith('~') && env['HOME'] === undefined) {
      sink.report(diag('HOME_UNSET', locate(isDict(v) ? at('volumes', i, 'source') : at('volumes', i)), bind.source));
    }
  });
}

// mapstructure decodeUint ("cannot parse '%s', %d overflows uint") on the loader's unsigned
// fields (docker/cli cli/compose/types/types.go: every uint64/uint32 of a service), named
// as mapstructure names them (the mapstructure tag where there is one, else the Go field).
const UINTS: readonly [JsonPath, string][] = [
  [['deploy', 'replicas'], 'Deploy.Replicas'],
  [['deploy', 'update_config', 'parallelism'], 'Deploy.UpdateConfig.Parallelism'],
  [['deploy', 'rollback_config', 'parallelism'], 'Deploy.RollbackConfig.Parallelism'],
  [['deploy', 'restart_policy', 'max_attempts'], 'Deploy.RestartPolicy.MaxAttempts'],
  [['deploy', 'placement', 'max_replicas_per_node'], 'Deploy.Placement.max_replicas_per_node'],
  [['healthcheck', 'retries'], 'HealthCheck.Retries'],
];
// The same in list items: long-syntax ports (uint32 Target, Published), secret and config modes (*uint32).
const ITEM_UINTS: readonly [string, string, string, string][] = [
  ['ports', 'target', 'Ports', 'Target'],
  ['ports', 'published', 'Ports', 'Published'],
  ['secrets', 'mode', 'Secrets', 'Mode'],
  ['configs', 'mode', 'Configs', 'Mode'],
];

// These run per service, mostly before the JIT has optimized them: forEach and plain loops
// rather than destructuring for-of, which allocates per step there (issue 18).
function unsigned(svc: Dict, at: (...p: (string | number)[]) => JsonPath, locate: Locate, sink: DiagnosticSink): void {
  UINTS.forEach(([path, field]) => {
    const v = valueIn(svc, path);
    if (typeof v === 'number' && v < 0) sink.report(diag('UINT_NEGATIVE', locate(at(...path)), field, v));
  });
  ITEM_UINTS.forEach(([list, key, listField, field]) => {
    const items = svc[list];
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      const v = isDict(item) ? item[key] : undefined;
      if (typeof v === 'number' && v < 0) sink.report(diag('UINT_NEGATIVE', locate(at(list, i, key)), `${listField}[${i}].${field}`, v));
    });
  });
}

// transformSize → go-units RAMInBytes on the loader's UnitBytes fields.
const SIZES: readonly [JsonPath, string][] = [
  [['deploy', 'resources', 'limits', 'memory'], 'Deploy.Resources.Limits.memory'],
  [['deploy', 'resources', 'reservations', 'memory'], 'Deploy.Resources.Reservations.memory'],
];

function sizes(svc: Dict, at: (...p: (string | number)[]) => JsonPath, locate: Locate, sink: DiagnosticSink): void {
  SIZES.forEach(([path, field]) => {
    const v = valueIn(svc, path);
    if (typeof v !== 'string') return;
    const why = ramInBytesProblem(v);
    if (why) sink.report(diag('SIZE_INVALID', locate(at(...path)), field, why));
  });
}

function valueIn(v: unknown, path: JsonPath): unknown {
  let cur = v;
  for (let i = 0; i < path.length && cur !== undefined; i++) cur = isDict(cur) ? cur[String(path[i])] : undefined;
  return cur;
}

/** go-units parseSize with the binary map: docker's error text, or undefined when it parses. */
export function ramInBytesProblem(s: string): string | undefined {
  let sep = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    if ('01234567890. '.includes(s[i] as string)) {
      sep = i;
      break;
    }
  }
  if (sep === -1) return `invalid size: '${s}'`;
  const num = s[sep] !== ' ' ? s.slice(0, sep + 1) : s.slice(0, sep);
  let sfx = s.slice(sep + 1);
  // strconv.ParseFloat: decimal or hex float, optional sign, inf/nan are not digits here.
  if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(num)) return `strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`;
  if (Number(num) < 0) return `invalid size: '${s}'`;
  if (sfx.length === 0) return undefined;
  const bad = `invalid suffix: '${sfx}'`;
  if (sfx.length > 3) return bad;
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') return sfx.length > 1 ? `invalid suffix: '${sfx}'` : undefined;
  if (!'kmgtp'.includes(sfx[0] as string)) return `invalid suffix: '${sfx}'`;
  if (sfx.length === 2 && sfx[1] !== 'b') return `invalid suffix: '${sfx}'`;
  if (sfx.length === 3 && sfx.slice(1) !== 'ib') return `invalid suffix: '${sfx}'`;
  return undefined;
}
