/**
 * `deploy:` mode, replicas and endpoint mode, with the checks docker/cli's converter
 * (cli/compose/convert/service.go `convertDeployMode`) and the daemon (`invalid
 * resolution mode`) make at deploy time.
 *
 * Jobs: a replicated-job runs `replicas` tasks at once (convertDeployMode sets
 * MaxConcurrent = TotalCompletions = replicas; unset is 1), a global-job one task per
 * eligible node. swarmkit's allocator gives their tasks the same VIP, ingress ports and
 * ingress addresses as any service's (manager/allocator/network.go does not look at the
 * mode), so while a job task runs it is a mesh backend. meshc meshes a replicated-job as
 * a replicated service of that many tasks and a global-job as a global service; a task
 * that completed fails its health check and leaves the mesh, as it leaves Swarm's IPVS.
 * swarmkit refuses a job with an update config (controlapi/service.go `validateJob`).
 */
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import type { Service } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';

export type DeployFields = Pick<Service, 'mode' | 'replicas' | 'endpointMode'>;

/** Mode, replica count (replicated: default 1) and endpoint mode; undefined after an error. */
export function normalizeDeploy(ctx: NormalizeContext, servicePath: JsonPath): DeployFields | undefined {
  const deployPath = [...servicePath, 'deploy'];
  const deploy = valueAt(ctx.doc, deployPath);
  const d = isRecord(deploy) ? deploy : {};
  const mode = deployMode(ctx, deployPath, d.mode);
  const replicas = d.replicas;
  let ok = mode !== undefined;
  const rawMode = typeof d.mode === 'string' ? d.mode : '';
  if ((rawMode === 'replicated-job' || rawMode === 'global-job') && d.update_config !== undefined && d.update_config !== null) {
    ctx.sink.report(diag('JOB_UPDATE_CONFIG', ctx.doc.locateKey([...deployPath, 'update_config']), rawMode));
    ok = false;
  }
  if (mode === 'global' && replicas !== undefined && replicas !== null) {
    ctx.sink.report(diag('REPLICAS_WITH_GLOBAL', ctx.doc.locateKey([...deployPath, 'replicas'])));
    ok = false;
  }
  const endpointMode = resolutionMode(ctx, deployPath, d.endpoint_mode);
  if (!ok || !mode || !endpointMode) return undefined;
  if (mode === 'global') return { mode, endpointMode };
  return { mode, replicas: typeof replicas === 'number' ? replicas : 1, endpointMode };
}

function deployMode(ctx: NormalizeContext, deployPath: JsonPath, raw: unknown): 'replicated' | 'global' | undefined {
  const mode = typeof raw === 'string' ? raw : '';
  if (mode === '' || mode === 'replicated' || mode === 'replicated-job') return 'replicated';
  if (mode === 'global' || mode === 'global-job') return 'global';
  ctx.sink.report(diag('DEPLOY_MODE_UNKNOWN', ctx.doc.locate([...deployPath, 'mode']), mode));
  return undefined;
}

// The CLI lower-cases endpoint_mode; the daemon accepts "", vip and dnsrr only.
function resolutionMode(ctx: NormalizeContext, deployPath: JsonPath, raw: unknown): 'vip' | 'dnsrr' | undefined {
  const mode = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (mode === '' || mode === 'vip') return 'vip';
  if (mode === 'dnsrr') return 'dnsrr';
  ctx.sink.report(diag('ENDPOINT_MODE_INVALID', ctx.doc.locate([...deployPath, 'endpoint_mode']), mode));
  return undefined;
}
