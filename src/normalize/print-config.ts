/**
 * `meshc config`: the merged, interpolated stack in the shape `docker stack config`
 * prints it (docker/cli `outputConfig`: go-yaml v3 encoding of `types.Config`), so that
 * `diff <(meshc config f) <(docker stack config -c f)` is empty for ordinary stacks.
 */
import { dirname, resolve } from 'node:path';
import type { ComposeDocument } from '../model/compose.js';
import { isRecord } from './context.js';
import { emitYaml, goKeyCompare, yamlMap, type YamlValue } from './go-yaml-emit.js';
import * as f from './print-fields.js';
import { serviceShape } from './print-service.js';

// External objects print `external: true` and their real name (the key when not given).
function externalFirst(key: string, v: unknown): Record<string, unknown> {
  const o = isRecord(v) ? { ...v } : {};
  const ext = o.external;
  if (ext === true || isRecord(ext)) {
    const extName = isRecord(ext) && typeof ext.name === 'string' ? ext.name : undefined;
    o.name = o.name ?? extName ?? key;
    o.external = true;
  }
  return o;
}

// docker/cli cli/compose/loader/loader.go `LoadNetworks`, `LoadVolumes`: `x-` extras are
// loaded (`loadExtras`) for external networks and volumes only; the others print without them.
function extrasIfExternal(fields: f.Shape): f.Field {
  const [withExtras, without] = [f.struct(fields, true, true), f.struct(fields, false, true)];
  return (v) => (isRecord(v) && v.external === true ? withExtras : without)(v);
}

const ipam = f.struct([['driver', f.str], ['config', f.listOf(f.struct([['subnet', f.str]]))]]);
const network = extrasIfExternal([
  ['name', f.str], ['driver', f.str], ['driver_opts', f.stringMap('')], ['ipam', ipam], ['external', f.bool],
  ['internal', f.bool], ['attachable', f.bool], ['labels', f.stringMap('')],
]);
const volume = extrasIfExternal([
  ['name', f.str], ['driver', f.str], ['driver_opts', f.stringMap('')], ['external', f.bool], ['labels', f.stringMap('')],
]);
function fileObject(workdir: string): f.Field {
  const shape = f.struct(
    [['name', f.str], ['file', f.str], ['external', f.bool], ['labels', f.stringMap('')], ['driver', f.str],
      ['driver_opts', f.stringMap('')], ['template_driver', f.str]],
    true, true,
  );
  // docker/cli cli/compose/loader/loader.go `loadFileObjectConfig`: neither external nor
  // with a driver, the file (even an absent one) becomes absPath(workingDir, file).
  const ownFile = (v: Record<string, unknown>) => v.external !== true && (typeof v.driver !== 'string' || v.driver === '');
  return (v) => shape(isRecord(v) && ownFile(v) ? { ...v, file: resolve(workdir, typeof v.file === 'string' ? v.file : '') } : v);
}

function objects(data: Record<string, unknown>, key: string, shape: f.Field): [string, YamlValue][] {
  const m = data[key];
  if (!isRecord(m) || Object.keys(m).length === 0) return [];
  const entries = Object.keys(m).sort(goKeyCompare).map((k): [string, YamlValue] => [k, shape(externalFirst(k, m[k])) ?? yamlMap([])]);
  return [[key, yamlMap(entries)]];
}

/**
 * The normalised stack in the shape `docker stack config` prints (YAML, ports in long form).
 * `env` is the loader's environment: its HOME expands `~` in bind sources.
 */
export function printConfig(doc: ComposeDocument, env: Readonly<Record<string, string | undefined>>): string {
  const workdir = dirname(resolve(doc.files[0] ?? '.'));
  const data = doc.data as Record<string, unknown>;
  const services = isRecord(data.services) ? data.services : {};
  const service = serviceShape({ workdir, home: env['HOME'] });
  const serviceEntries = Object.keys(services).sort(goKeyCompare).map((k): [string, YamlValue] => [k, service(services[k]) ?? yamlMap([])]);
  const extras = Object.keys(data).filter((k) => k.startsWith('x-')).sort(goKeyCompare).map((k): [string, YamlValue] => [k, f.anyValue(data[k]) ?? null]);
  return emitYaml(
    yamlMap([
      ['version', doc.version],
      ['services', yamlMap(serviceEntries)],
      ...objects(data, 'networks', network),
      ...objects(data, 'volumes', volume),
      ...objects(data, 'secrets', fileObject(workdir)),
      ...objects(data, 'configs', fileObject(workdir)),
      ...extras,
    ]),
  );
}
