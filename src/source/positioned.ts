/**
 * Bytes → a YAML document with a source map, the prelude every positioned input shares
 * (a Compose file, a cluster file): decoded as docker decodes it, its text registered for
 * code frames, parsed as go-yaml parses it. Undefined after reporting why not.
 */
import type { DiagnosticSink } from '../diagnostics/types.js';
import { decodeSource } from './decode-source.js';
import { parseYaml, type ParsedYaml } from './parse-yaml.js';
import { createSourceMap, type SourceMap } from './source-map.js';

export function readPositioned(bytes: Buffer, file: string, sink: DiagnosticSink): { parsed: ParsedYaml; map: SourceMap } | undefined {
  const text = decodeSource(bytes, file, sink);
  if (text === undefined) return undefined;
  sink.sources.set(file, text);
  const parsed = parseYaml(text, file, sink);
  if (!parsed) return undefined;
  return { parsed, map: createSourceMap(parsed, file) };
}
