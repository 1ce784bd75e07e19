/**
 * normalize: ComposeDocument → NormalizedStack. One canonical shape per attribute (each
 * in its own module), then Swarm's deploy-time checks, every problem reported in one run.
 */
import { diag, diagWithNotes } from '../diagnostics/catalog.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import type { ComposeDocument } from '../model/compose.js';
import type { NormalizedStack, Service } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';
import { normalizeDeploy } from './deploy.js';
import { checkObjectRefusals, checkServiceRefusals } from './deploy-refusals.js';
import { normalizeHealthcheck } from './healthcheck.js';
import { dnsComponentProblem, scopedName, stackNameProblem } from './names.js';
import { normalizePlacement } from './placement.js';
import { checkPortConflicts, checkServicePorts } from './port-checks.js';
import { normalizePorts } from './ports.js';
import { checkReferences, networkRealName } from './references.js';
import { serviceClientIp, serviceProbe, stackSettings } from './x-meshc.js';

/** One canonical shape per attribute, plus Swarm's deploy-time checks; undefined after errors. */
export function normalizeStack(doc: ComposeDocument, opts: { stackName: string }, sink: DiagnosticSink): NormalizedStack | undefined {
  const ctx: NormalizeContext = { doc, sink };
  const before = sink.errorCount;
  const stackProblem = stackNameProblem(opts.stackName);
  if (stackProblem) sink.report(diag('NAME_INVALID', doc.locate([]), 'stack', opts.stackName, stackProblem));
  const declared = valueAt(doc, ['services']);
  checkNetworkNames(ctx, opts.stackName, usedNetworks(declared));
  const names = Object.keys(isRecord(declared) ? declared : {}).sort();
  checkNameCase(ctx, names);
  checkObjectRefusals(ctx, opts.stackName);
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
  const clientIp = serviceClientIp(ctx, path);
  checkReferences(ctx, stack, path);
  checkServiceRefusals(ctx, path, stack);
  const fields = deploy ?? { mode: 'replicated', replicas: 1, endpointMode: 'vip' };
  const service: Service = { name, image: String(image ?? ''), ...fields, ports, placement, loc };
  return { ...service, ...(healthcheck ? { healthcheck } : {}), ...(probe ? { probe } : {}), ...(clientIp ? { clientIp } : {}) };
}

/**
 * Swarm's store indexes service names case-insensitively (swarmkit manager/state/store/
 * memory.go `prefixedName` lower-cases the name index), so `docker stack deploy`
 * creates `s_Web` and then fails on `s_web`: "name conflicts with an existing object".
 */
function checkNameCase(ctx: NormalizeContext, names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const other = seen.get(name.toLowerCase());
    if (other === undefined) seen.set(name.toLowerCase(), name);
    else ctx.sink.report(diagWithNotes('SERVICE_NAME_CASE', ctx.doc.locateKey(['services', name]), [{ message: `service "${other}" is declared here`, loc: ctx.doc.locateKey(['services', other]) }], name, other));
  }
}

/**
 * The networks `docker stack deploy` creates: those some service is on, and "default"
 * for a service that names none (docker/cli cli/command/stack/swarm/deploy_composefile.go
 * `getServicesDeclaredNetworks`, then cli/compose/convert/compose.go `Networks`).
 */
function usedNetworks(services: unknown): Set<string> {
  const used = new Set<string>();
  for (const svc of Object.values(isRecord(services) ? services : {})) {
    const nets = isRecord(svc) ? svc.networks : undefined;
    const names = Array.isArray(nets) ? nets.map(String) : isRecord(nets) ? Object.keys(nets) : [];
    if (names.length === 0) used.add('default');
    names.forEach((n) => used.add(n));
  }
  return used;
}

// Non-external networks become Swarm objects named `<stack>_<key>` (or `name:`); only the ones services use are created.
function checkNetworkNames(ctx: NormalizeContext, stack: string, used: ReadonlySet<string>): void {
  const nets = valueAt(ctx.doc, ['networks']);
  if (!isRecord(nets)) return;
  for (const [key, net] of Object.entries(nets)) {
    if (!used.has(key)) continue;
    const ext = isRecord(net) ? net.external : undefined;
    if (ext === true || isRecord(ext)) continue;
    const named = isRecord(net) && typeof net.name === 'string';
    const problem = dnsComponentProblem(networkRealName(stack, key, net));
    const loc = named ? ctx.doc.locate(['networks', key, 'name']) : ctx.doc.locateKey(['networks', key]);
    if (problem) ctx.sink.report(diag('NAME_INVALID', loc, 'network', named ? String(net.name) : key, problem));
  }
}
