/**
 * `deploy:` mode, replicas and endpoint mode, with the checks docker/cli's converter
 * (`convertDeployMode`) and the daemon (`invalid resolution mode`) make at deploy time.
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
  if (mode === '' || mode === 'replicated') return 'replicated';
  if (mode === 'global') return 'global';
  const loc = ctx.doc.locate([...deployPath, 'mode']);
  if (mode === 'replicated-job' || mode === 'global-job') ctx.sink.report(diag('DEPLOY_MODE_UNSUPPORTED', loc, mode));
  else ctx.sink.report(diag('DEPLOY_MODE_UNKNOWN', loc, mode));
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
