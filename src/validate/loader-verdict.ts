/**
 * `meshc config` is `docker stack config`: it refuses only what docker's loader refuses
 * (docker/cli cli/command/stack/config.go `runConfig` → cli/compose/loader `Load`: parse,
 * interpolate, schema, merge, transform) and prints the file otherwise. The problems only
 * `docker stack deploy` refuses (docker/cli cli/compose/convert, moby's daemon conversion,
 * swarmkit's controlapi) and meshc's own mesh checks are the normalize stage's; for config
 * they are warnings on stderr, and the file is still printed with exit 0.
 *
 * The split is by code: every code below is raised only after the loader accepted the file
 * (src/normalize, never src/source, src/validate or the merge). The differential test runs
 * `meshc config` on every fixture against `docker stack config`, so a code on the wrong side
 * shows up there as a verdict that differs.
 */
import type { DiagnosticCode } from '../diagnostics/catalog.js';
import { DiagnosticSink, type Diagnostic } from '../diagnostics/types.js';

export const DEPLOY_TIME_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  // docker/cli cli/compose/convert (service.go, compose.go): converting the loaded file
  'DEPLOY_REFUSED',
  'DEPLOY_MODE_UNKNOWN',
  'REPLICAS_WITH_GLOBAL',
  'ENDPOINT_MODE_INVALID',
  'HEALTHCHECK_TEST_AND_DISABLE',
  'IMAGE_MISSING',
  'INGRESS_NETWORK_ATTACHED',
  'OBJECT_FILE_UNREADABLE',
  'UNDEFINED_REFERENCE',
  // swarmkit manager/controlapi (service.go, common.go) and its store
  'CONSTRAINT_INVALID',
  'DNSRR_INGRESS_PORT',
  'JOB_UPDATE_CONFIG',
  'NAME_INVALID',
  'PORT_CONFLICT',
  'PORT_DUPLICATE',
  'SERVICE_NAME_CASE',
  // the daemon's task creation (daemon/container.go `validateHealthCheck`)
  'DURATION_INVALID',
  'HEALTHCHECK_DURATION_TOO_SHORT',
  // meshc's own: the mesh cannot work (port 0, a port swarmkit cannot allocate), x-meshc
  'PORT_OUT_OF_RANGE',
  'PORT_RESERVED',
  'X_MESHC_INVALID',
]);

const NOTE = 'docker stack config prints this file, and so does meshc config; docker stack deploy (or the mesh) fails on it, and meshc validate reports it as an error';

/** The loader's verdict: a deploy-time error is reported as a warning, with a note saying so. */
export function asLoaderVerdict(d: Diagnostic): Diagnostic {
  if (d.severity !== 'error' || !DEPLOY_TIME_CODES.has(d.code)) return d;
  // These messages already say that docker stack config accepts the file and docker stack deploy refuses it.
  if (d.code === 'DEPLOY_REFUSED' || d.code === 'OBJECT_FILE_UNREADABLE') return { ...d, severity: 'warning' };
  return { ...d, severity: 'warning', notes: [...(d.notes ?? []), { message: NOTE }] };
}

/** A sink that keeps docker stack config's verdict: deploy-time errors arrive as warnings. */
class LoaderVerdictSink extends DiagnosticSink {
  override report(d: Diagnostic): void {
    super.report(asLoaderVerdict(d));
  }
}

/**
 * Runs `work` (a front-end run: load, merge, normalize) under docker stack config's
 * verdict, then hands what it reported to `sink` (sources included, for code frames).
 */
export function withLoaderVerdict<T>(sink: DiagnosticSink, work: (scoped: DiagnosticSink) => T): T {
  const scoped = new LoaderVerdictSink();
  const result = work(scoped);
  for (const [file, text] of scoped.sources) sink.sources.set(file, text);
  for (const d of scoped.items) sink.report(d);
  return result;
}
