/**
 * Service options docker's stack loader treats specially, checked on the raw file (before
 * interpolation, as docker does): forbidden ones make `docker stack deploy` refuse the
 * file; unsupported and deprecated ones are ignored with a warning. meshc reports each
 * one at its key, with docker's own explanation.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import type { SourceMap } from '../source/source-map.js';
import { isRecord } from '../model/json.js';

const RESOURCES = 'Set resource limits using deploy.resources';

/** docker/cli `ForbiddenProperties`, with its descriptions. */
export const FORBIDDEN: Readonly<Record<string, string>> = {
  extends: 'Support for `extends` is not implemented yet.',
  volume_driver:
    'Instead of setting the volume driver on the service, define a volume using the top-level `volumes` option and specify the driver there.',
  volumes_from:
    'To share a volume between services, define it using the top-level `volumes` option and reference it from each service that shares it using the service-level `volumes` option.',
  cpu_quota: RESOURCES,
  cpu_shares: RESOURCES,
  cpuset: RESOURCES,
  mem_limit: RESOURCES,
  memswap_limit: RESOURCES,
};

/** docker/cli `UnsupportedProperties`: accepted by the schema, ignored by Swarm. */
export const UNSUPPORTED: readonly string[] = [
  'build', 'cgroupns_mode', 'cgroup_parent', 'devices', 'domainname', 'external_links', 'ipc', 'links',
  'mac_address', 'network_mode', 'pid', 'privileged', 'restart', 'security_opt', 'shm_size', 'userns_mode',
];

/** docker/cli `DeprecatedProperties`, with its descriptions. */
export const DEPRECATED: Readonly<Record<string, string>> = {
  container_name: 'Setting the container name is not supported.',
  expose: "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
};

/** Reports every special option of every service; returns the paths of the forbidden ones. */
export function checkServiceOptions(data: Readonly<Record<string, unknown>>, map: SourceMap, sink: DiagnosticSink): JsonPath[] {
  const forbidden: JsonPath[] = [];
  const services = data.services;
  if (!isRecord(services)) return forbidden;
  // Indexed loops, paths made only for a reported option: this runs per option of every service.
  const names = Object.keys(services);
  for (let s = 0; s < names.length; s++) {
    const name = names[s] as string;
    const service = services[name];
    if (!isRecord(service)) continue;
    const options = Object.keys(service);
    for (let o = 0; o < options.length; o++) {
      const option = options[o] as string;
      const why = FORBIDDEN[option];
      if (why !== undefined && Object.prototype.hasOwnProperty.call(FORBIDDEN, option)) {
        const path: JsonPath = ['services', name, option];
        forbidden.push(path);
        sink.report(diag('FORBIDDEN_OPTION', map.locateKey(path), `services.${name}.${option}`, why));
      } else if (UNSUPPORTED.includes(option)) {
        sink.report(diag('UNSUPPORTED_OPTION', map.locateKey(['services', name, option]), `services.${name}.${option}`));
      } else if (Object.prototype.hasOwnProperty.call(DEPRECATED, option)) {
        sink.report(diag('DEPRECATED_OPTION', map.locateKey(['services', name, option]), `services.${name}.${option}`, DEPRECATED[option] ?? ''));
      }
    }
  }
  return forbidden;
}
