/**
 * The shape of one service as docker/cli prints it (`types.ServiceConfig` field order,
 * omitempty, `x-` extras last), with the loader's transforms: short ports expanded to the
 * long form, short volumes parsed, relative bind paths made absolute.
 */
import { resolve } from 'node:path';
import { DiagnosticSink } from '../diagnostics/types.js';
import { isRecord } from './context.js';
import { yamlMap, type YamlValue } from './go-yaml-emit.js';
import { expandShortPort } from './port-short.js';
import * as f from './print-fields.js';
import { isWindowsAbs, parseVolumeSpec } from '../validate/volume-spec.js';

const nowhere = { file: '', line: 0, col: 0 };

const port = f.struct([['mode', f.str], ['target', f.int], ['published', f.int], ['protocol', f.str]]);
const ports: f.Field = (v) => {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.flatMap((p): YamlValue[] => {
    if (isRecord(p)) return [port(p) ?? yamlMap([])];
    const expanded = expandShortPort(String(p), nowhere, new DiagnosticSink()) ?? [];
    return expanded.map((x) => port({ mode: x.mode, target: x.target, published: x.published, protocol: x.protocol })!);
  });
};

/** Where relative bind sources are resolved: the stack's directory, and HOME as docker's environment has it. */
export interface BindPaths {
  readonly workdir: string;
  /** undefined: HOME is unset, and docker keeps `~` (the loader warned, HOME_UNSET). */
  readonly home: string | undefined;
}

function bindSource(src: string, paths: BindPaths): string {
  // docker/cli cli/compose/loader/loader.go `resolveVolumePaths`: `expandUser` replaces the
  // leading `~` with HOME from the loader's environment (not the password database, so
  // `~alice/x` is HOME + "alice/x"); then the path is made absolute unless it already is (a
  // POSIX path, or a Windows one: `isAbs`).
  const path = src.startsWith('~') && paths.home !== undefined ? paths.home + src.slice(1) : src;
  return path.startsWith('/') || isWindowsAbs(path) ? path : resolve(paths.workdir, path);
}

/** Short volume syntax → the long form (docker/cli volumespec `Parse`); unparsable ones were refused by the loader. */
function longVolume(spec: string, paths: BindPaths): Record<string, unknown> {
  const parsed = parseVolumeSpec(spec);
  if (!parsed.ok) return { type: 'volume', target: spec };
  const v = parsed.volume;
  return v.type === 'bind' && v.source !== undefined ? { ...v, source: bindSource(v.source, paths) } : { ...v };
}

const volume = f.struct([
  ['type', f.str], ['source', f.str], ['target', f.str], ['read_only', f.bool], ['consistency', f.str],
  // Pointers in docker's types: present but empty prints `{}` (and 28.x knows no create_host_path).
  ['bind', f.struct([['propagation', f.str]], false, true)],
  ['volume', f.struct([['nocopy', f.bool]], false, true)],
  ['tmpfs', f.struct([['size', f.int]], false, true)],
]);
function volumes(paths: BindPaths): f.Field {
  return (v) => {
    if (!Array.isArray(v) || v.length === 0) return undefined;
    return v.map((x) => {
      if (!isRecord(x)) return volume(longVolume(String(x), paths))!;
      const src = typeof x.source === 'string' && x.type === 'bind' ? bindSource(x.source, paths) : x.source;
      return volume({ ...x, source: src }) ?? yamlMap([]);
    });
  };
}

const fileRef = f.struct([['source', f.str], ['target', f.str], ['uid', f.str], ['gid', f.str], ['mode', f.ptrUint32]]);
const fileRefs = f.listOf((v) => fileRef(isRecord(v) ? v : { source: v }));

const networks: f.Field = (v) => {
  const m = Array.isArray(v) ? Object.fromEntries(v.map((n) => [String(n), null])) : v;
  const cfg = f.struct([['aliases', f.strList], ['ipv4_address', f.str], ['ipv6_address', f.str]], false, true);
  return f.mapOf(cfg, null)(m);
};

/**
 * docker/cli cli/compose/loader/loader.go `transformHostsList`: a mapping becomes sorted
 * `host:ip` strings (`toStringList`, null values dropped); a list entry is cut at its
 * first `=`, else its first `:` (an entry with neither is dropped), and rejoined with `:`;
 * then brackets around the IP go (`[::1]` → `::1`).
 */
const extraHosts: f.Field = (v) => {
  const pairs = isRecord(v)
    ? Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => `${k}:${String(x)}`).sort()
    : Array.isArray(v)
      ? v.map(String).flatMap((e) => {
          const sep = e.includes('=') ? '=' : e.includes(':') ? ':' : undefined;
          return sep === undefined ? [] : [`${e.slice(0, e.indexOf(sep))}:${e.slice(e.indexOf(sep) + 1)}`];
        })
      : undefined;
  if (pairs === undefined) return f.strList(v);
  return f.strList(
    pairs.map((hip) => {
      const [host, ip] = [hip.slice(0, hip.indexOf(':')), hip.slice(hip.indexOf(':') + 1)];
      return ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? `${host}:${ip.slice(1, -1)}` : hip;
    }),
  );
};

const ulimits = f.mapOf((v) => (typeof v === 'number' ? v : f.struct([['soft', f.int], ['hard', f.int]])(v)), null);

// Pointers to structs in docker's types (*HealthCheckConfig, *UpdateConfig, *RestartPolicy,
// *ResourceLimit, *Resource, *LoggingConfig): a mapping given, even empty, prints (`{}`).
const healthcheck = f.struct([
  ['test', (v) => (typeof v === 'string' ? ['CMD-SHELL', v] : f.strList(v))],
  ['timeout', f.ptrDur], ['interval', f.ptrDur], ['retries', f.ptrUint64],
  ['start_period', f.ptrDur], ['start_interval', f.ptrDur], ['disable', f.bool],
], false, true);

const updateConfig = f.struct([
  ['parallelism', f.ptrInt], ['delay', f.dur], ['failure_action', f.str],
  ['monitor', f.dur], ['max_failure_ratio', f.int], ['order', f.str],
], false, true);
const resource = f.struct([
  ['cpus', f.str], ['memory', f.bytes], ['pids', f.int],
  ['generic_resources', f.listOf(f.struct([['discrete_resource_spec', f.struct([['kind', f.str], ['value', f.int]])]]))],
], false, true);
const deploy = f.struct([
  ['mode', f.str], ['replicas', f.ptrInt], ['labels', f.stringMap('')],
  ['update_config', updateConfig], ['rollback_config', updateConfig],
  ['resources', f.struct([['limits', resource], ['reservations', resource]])],
  ['restart_policy', f.struct([['condition', f.str], ['delay', f.ptrDur], ['max_attempts', f.ptrInt], ['window', f.ptrDur]], false, true)],
  ['placement', f.struct([
    ['constraints', f.strList], ['preferences', f.listOf(f.struct([['spread', f.str]]))], ['max_replicas_per_node', f.int],
  ])],
  ['endpoint_mode', f.str],
]);

const build: f.Field = (v) =>
  f.struct([
    ['context', f.str], ['dockerfile', f.str], ['args', f.stringMap(null)], ['labels', f.stringMap('')],
    ['cache_from', f.strList], ['extra_hosts', extraHosts], ['network', f.str], ['target', f.str],
  ])(typeof v === 'string' ? { context: v } : v);

/** The field printer of a whole service; `paths` resolves relative bind paths. */
export function serviceShape(paths: BindPaths): f.Field {
  return f.struct(
    [
      ['build', build], ['cap_add', f.strList], ['cap_drop', f.strList], ['cgroupns_mode', f.str], ['cgroup_parent', f.str],
      ['command', f.shell], ['configs', fileRefs], ['container_name', f.str],
      ['credential_spec', f.struct([['config', f.str], ['file', f.str], ['registry', f.str]])],
      ['depends_on', f.strList], ['deploy', deploy], ['devices', f.strList], ['dns', f.strList], ['dns_search', f.strList],
      ['domainname', f.str], ['entrypoint', f.shell], ['environment', f.stringMap(null)], ['env_file', f.strList],
      ['expose', f.strList], ['external_links', f.strList], ['extra_hosts', extraHosts], ['hostname', f.str],
      ['healthcheck', healthcheck], ['image', f.str], ['init', f.ptrBool], ['ipc', f.str], ['isolation', f.str],
      ['labels', f.stringMap('')], ['links', f.strList], ['logging', f.struct([['driver', f.str], ['options', f.stringMap('')]], false, true)],
      ['mac_address', f.str], ['network_mode', f.str], ['networks', networks], ['pid', f.str], ['ports', ports],
      ['privileged', f.bool], ['read_only', f.bool], ['restart', f.str], ['secrets', fileRefs], ['security_opt', f.strList],
      ['shm_size', f.str], ['stdin_open', f.bool], ['stop_grace_period', f.ptrDur], ['stop_signal', f.str],
      ['sysctls', f.stringMap('')], ['tmpfs', f.strList], ['tty', f.bool], ['ulimits', ulimits], ['user', f.str],
      ['userns_mode', f.str], ['volumes', volumes(paths)], ['working_dir', f.str],
    ],
    true,
    true,
  );
}
