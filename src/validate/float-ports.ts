/**
 * A short-syntax port written as a YAML float (`80.0`, `8.0e1`): go-yaml decodes it as
 * float64, and docker/cli cli/compose/loader/loader.go `toServicePortConfigs` refuses
 * any port that is neither int nor string ("invalid type float64 for port"). The data
 * meshc builds holds 80 either way, so the check reads the scalar's source.
 */
import { yaml } from '../source/yaml-runtime.js';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { JsonPath } from '../model/compose.js';
import { GO_INT } from '../source/go-yaml-int.js';
import type { ParsedYaml } from '../source/parse-yaml.js';
import type { SourceLoc } from '../diagnostics/types.js';

export function checkFloatPorts(parsed: ParsedYaml, data: Record<string, unknown>, locate: (p: JsonPath) => SourceLoc, sink: DiagnosticSink): void {
  const services = data.services;
  if (services === null || typeof services !== 'object' || Array.isArray(services)) return;
  // Only a port the data holds as a number can have been written as a float: most files have
  // none, and then the nodes (which the fast reader does not build) are not needed.
  if (!Object.values(services).some(hasNumericPort)) return;
  // One pass over the services node (getIn per service scans the map each time: quadratic
  // on a stack of 400,000 services).
  const { isMap, isScalar, isSeq } = yaml();
  const node = parsed.doc?.get('services', true);
  if (!isMap(node)) return;
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (name === undefined || !isMap(pair.value)) continue;
    const seq = pair.value.get('ports', true);
    if (!isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      if (!isScalar(item) || typeof item.value !== 'number' || item.type !== 'PLAIN') return;
      if (GO_INT.test(item.source ?? '')) return;
      sink.report(diag('PORT_FLOAT', locate(['services', name, 'ports', i]), String(item.source ?? item.value)));
    });
  }
}

function hasNumericPort(service: unknown): boolean {
  const ports = (service as { ports?: unknown } | null)?.ports;
  return Array.isArray(ports) && ports.some((p) => typeof p === 'number');
}
