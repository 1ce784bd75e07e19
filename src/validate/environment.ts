/**
 * docker/cli's `resolveEnvironment`, run on each Compose file before the files are merged,
 * as docker's loader does: a service's `env_file` entries (paths relative to the directory
 * of the first stack file, `docker stack deploy`'s working directory) are read in order,
 * then its `environment` is laid over them; a value that is missing or empty takes the
 * variable from meshc's environment when that has it. The result is the `environment`
 * mapping `docker stack config` prints. A missing or malformed env file is an error: docker
 * stack deploy would fail on it.
 */
import { isAbsolute, join } from 'node:path';
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import { isRecord, listToMapping, stringValues } from './canonical.js';
import { parseEnvFile } from './env-file.js';
import type { FrontEndIo } from './read-compose.js';

type Env = Record<string, string | null>;

export function resolveEnvironment(doc: ComposeDocument, workingDir: string, io: FrontEndIo, sink: DiagnosticSink): ComposeDocument {
  const services = doc.data['services'];
  if (!isRecord(services)) return doc;
  const lookup = (name: string): string | undefined => io.env[name];
  const resolved: Record<string, unknown> = {};
  let touched = false;
  for (const [name, svc] of Object.entries(services)) {
    if (!isRecord(svc) || (svc['env_file'] === undefined && svc['environment'] === undefined)) {
      resolved[name] = svc;
      continue;
    }
    const environment: Env = {};
    const entries = svc['env_file'] === undefined ? [] : Array.isArray(svc['env_file']) ? svc['env_file'] : [svc['env_file']];
    for (const [i, entry] of entries.entries()) {
      const where = doc.locate(Array.isArray(svc['env_file']) ? ['services', name, 'env_file', i] : ['services', name, 'env_file']);
      const path = isAbsolute(String(entry)) ? String(entry) : join(workingDir, String(entry));
      let text: string;
      try {
        // Named by the stack file, so possibly by someone else: never a device or a FIFO.
        if (io.isRegularFile && !io.isRegularFile(path)) throw Object.assign(new Error('not a regular file'), { code: 'NOTREG' });
        text = new TextDecoder('utf-8', { fatal: true }).decode(io.readFile(path));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'NOTREG' || code === 'EISDIR' ? 'not a regular file' : code ? String(code) : 'not valid UTF-8';
        sink.report(diag('ENV_FILE_UNREADABLE', where, String(entry), path, why));
        continue;
      }
      const parsed = parseEnvFile(text, lookup);
      if (parsed.problem) {
        sink.report(diag('ENV_FILE_INVALID', { file: path, line: parsed.problem.line, col: parsed.problem.col }, path, parsed.problem.why));
        continue;
      }
      layer(environment, Object.fromEntries(parsed.vars), lookup);
    }
    const own = stringValues(listToMapping(svc['environment'], null));
    if (isRecord(own)) layer(environment, own as Env, lookup);
    resolved[name] = Object.keys(environment).length > 0 ? { ...svc, environment } : omit(svc, 'environment');
    touched = true;
  }
  return touched ? { ...doc, data: { ...doc.data, services: resolved } } : doc;
}

/** docker's `updateEnvironment`: a missing or empty value yields to the process environment. */
function layer(into: Env, vars: Env, lookup: (name: string) => string | undefined): void {
  for (const [k, v] of Object.entries(vars)) {
    const fromEnv = lookup(k);
    into[k] = (v === null || v === '') && fromEnv !== undefined ? fromEnv : v;
  }
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}
