/**
 * normalize: ComposeDocument → NormalizedStack. One canonical shape per attribute (each
 * in its own module), then Swarm's deploy-time checks, every problem reported in one run.
 */
import { diag } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import type { NormalizedStack, Service } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';
import { normalizeDeploy } from './deploy.js';
import { normalizeHealthcheck } from './healthcheck.js';
import { dnsComponentProblem, scopedName, stackNameProblem } from './names.js';
import { normalizePlacement } from './placement.js';
import { checkPortConflicts, checkServicePorts } from './port-checks.js';
import { normalizePorts } from './ports.js';
import { checkReferences, networkRealName } from './references.js';
import { serviceProbe, stackSettings } from './x-meshc.js';

/** One canonical shape per attribute, plus Swarm's deploy-time checks; undefined after errors. */
export function normalizeStack(doc: ComposeDocument, opts: { stackName: string }, sink: DiagnosticSink): NormalizedStack | undefined {
  const ctx: NormalizeContext = { doc, sink };
  const before = sink.errorCount;
  const stackProblem = stackNameProblem(opts.stackName);
  if (stackProblem) sink.report(diag('NAME_INVALID', doc.locate([]), 'stack', opts.stackName, stackProblem));
  checkNetworkNames(ctx, opts.stackName);
  const declared = valueAt(doc, ['services']);
  const names = Object.keys(isRecord(declared) ? declared : {}).sort();
  // Services with errors still take part in the cross-service checks: every problem in one run.
  const services = names.map((name) => normalizeService(ctx, opts.stackName, name));
  const settings = stackSettings(ctx);
  services.forEach((s) => checkServicePorts(s, sink));
  checkPortConflicts(services, sink);
  if (sink.errorCount > before) return undefined;
  return { name: opts.stackName, files: doc.files, services, settings };
}

function normalizeService(ctx: NormalizeContext, stack: string, name: string): Service {
  const path = ['services', name];
  const loc = ctx.doc.locateKey(path);
  // An invalid stack name is reported once, on its own: it must not make every service name look invalid.
  const problem = dnsComponentProblem(stackNameProblem(stack) ? name : scopedName(stack, name));
  if (problem) ctx.sink.report(diag('NAME_INVALID', loc, 'service', name, problem));
  const image = valueAt(ctx.doc, [...path, 'image']);
  if (typeof image !== 'string' || image === '') ctx.sink.report(diag('IMAGE_MISSING', loc, name));
  const deploy = normalizeDeploy(ctx, path);
  const ports = normalizePorts(ctx, path);
  const placement = normalizePlacement(ctx, path);
  const healthcheck = normalizeHealthcheck(ctx, path);
  const probe = serviceProbe(ctx, path);
  checkReferences(ctx, stack, path);
  const fields = deploy ?? { mode: 'replicated', replicas: 1, endpointMode: 'vip' };
  const service: Service = { name, image: String(image ?? ''), ...fields, ports, placement, loc };
  return { ...service, ...(healthcheck ? { healthcheck } : {}), ...(probe ? { probe } : {}) };
}

// Non-external networks become Swarm objects named `<stack>_<key>` (or `name:`).
function checkNetworkNames(ctx: NormalizeContext, stack: string): void {
  const nets = valueAt(ctx.doc, ['networks']);
  if (!isRecord(nets)) return;
  for (const [key, net] of Object.entries(nets)) {
    const ext = isRecord(net) ? net.external : undefined;
    if (ext === true || isRecord(ext)) continue;
    const named = isRecord(net) && typeof net.name === 'string';
    const problem = dnsComponentProblem(networkRealName(stack, key, net));
    const loc = named ? ctx.doc.locate(['networks', key, 'name']) : ctx.doc.locateKey(['networks', key]);
    if (problem) ctx.sink.report(diag('NAME_INVALID', loc, 'network', named ? String(net.name) : key, problem));
  }
}
