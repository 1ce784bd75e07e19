/**
 * The health probe the runner's agent uses to admit a task into the load balancer,
 * as Swarm admits a task only once its container is healthy. An `x-meshc.health`
 * probe (tcp/http, checked from outside the container) wins over the compose
 * healthcheck; a CMD / CMD-SHELL test becomes a command; no test, NONE or
 * `disable: true` means no gating (null), as in Swarm.
 */
import type { PlanHealth, PlanPort } from '../model/plan.js';
import type { Service } from '../model/stack.js';

// Docker's defaults when a healthcheck leaves a duration unset.
const DEFAULT_TIMING = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

export function planHealth(service: Service, ports: readonly PlanPort[]): PlanHealth | null {
  const hc = service.healthcheck;
  const timing = hc
    ? { intervalMs: hc.intervalMs, timeoutMs: hc.timeoutMs, retries: hc.retries, startPeriodMs: hc.startPeriodMs }
    : DEFAULT_TIMING;
  const probe = service.probe;
  if (probe) {
    // Without an explicit port the probe targets the first published port's container side.
    const port = probe.port ?? ports[0]?.target;
    const base = { kind: probe.kind, ...(port === undefined ? {} : { port }) };
    return probe.kind === 'http' ? { ...base, path: probe.path, status: probe.status, ...timing } : { ...base, ...timing };
  }
  if (!hc || hc.disable) return null;
  const [kind, ...rest] = hc.test;
  if (kind === 'CMD' && rest.length > 0) return { kind: 'cmd', command: rest, ...timing };
  if (kind === 'CMD-SHELL' && rest.length > 0) return { kind: 'cmd', command: ['/bin/sh', '-c', rest.join(' ')], ...timing };
  return null;
}
