/**
 * The health probe the runner's agent uses to admit a task into the load balancer,
 * as Swarm admits a task only once its container is healthy. An `x-meshc.health`
 * probe (tcp/http, checked from outside the container) wins over the compose
 * healthcheck; a CMD / CMD-SHELL test becomes a command; no test, NONE or
 * `disable: true` means no gating (null), as in Swarm.
 */
import type { PlanHealth, PlanPort } from '../model/plan.js';
import type { Service } from '../model/stack.js';
import type { DiagnosticSink } from '../diagnostics/types.js';
import { diag } from '../diagnostics/catalog.js';

// Docker's defaults when a healthcheck leaves a duration unset.
const DEFAULT_TIMING = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

export function planHealth(service: Service, ports: readonly PlanPort[]): PlanHealth | null {
  const hc = service.healthcheck;
  const timing = hc
    ? { intervalMs: hc.intervalMs, timeoutMs: hc.timeoutMs, retries: hc.retries, startPeriodMs: hc.startPeriodMs }
    : DEFAULT_TIMING;
  const probe = service.probe;
  if (probe) {
    // Without an explicit port the probe targets the first TCP ingress port's container side.
    const port = probe.port ?? probeTargets(ports)[0];
    const base = { kind: probe.kind, ...(port === undefined ? {} : { port }) };
    return probe.kind === 'http' ? { ...base, path: probe.path, status: probe.status, ...timing } : { ...base, ...timing };
  }
  if (!hc || hc.disable) return null;
  const [kind, ...rest] = hc.test;
  if (kind === 'CMD' && rest.length > 0) return { kind: 'cmd', command: rest, ...timing };
  if (kind === 'CMD-SHELL' && rest.length > 0) return { kind: 'cmd', command: ['/bin/sh', '-c', rest.join(' ')], ...timing };
  return null;
}

/**
 * The task's own filter rules (Swarm's catch-all DROPs) let only published target ports
 * through on the ingress address, so a tcp/http probe can only reach a TCP target port of
 * an ingress port; any other port would keep the task out of the balancer for ever.
 */
export function checkHealthPort(service: Service, sink: DiagnosticSink): void {
  const probe = service.probe;
  if (!probe) return;
  const targets = probeTargets(service.ports);
  if (probe.port === undefined ? targets.length === 0 : !targets.includes(probe.port)) {
    sink.report(diag('HEALTH_PORT_UNREACHABLE', probe.loc, service.name, probe.port ?? null, targets));
  }
}

function probeTargets(ports: readonly { readonly protocol: string; readonly mode: string; readonly target: number }[]): number[] {
  return ports.filter((p) => p.protocol === 'tcp' && p.mode === 'ingress').map((p) => p.target);
}
