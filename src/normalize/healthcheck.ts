/**
 * `healthcheck:` as docker/cli's `convertHealthcheck` reads it, with the daemon's
 * defaults filled in (interval 30s, timeout 30s, retries 3, start period 0), because the
 * planner needs to know when a task joins the load balancer (docs/health.md, docs/architecture.md).
 */
import { diag } from '../diagnostics/catalog.js';
import type { JsonPath } from '../model/compose.js';
import type { Healthcheck } from '../model/stack.js';
import { isRecord, valueAt, type NormalizeContext } from './context.js';
import { parseGoDuration } from './duration.js';

const DEFAULT_MS = { interval: 30_000, timeout: 30_000, start_period: 0 } as const;
// The daemon's words for each field (daemon/container.go, validateHealthCheck).
const LABELS = { interval: 'Interval', timeout: 'Timeout', start_period: 'StartPeriod' } as const;

function durationMs(ctx: NormalizeContext, path: JsonPath, field: keyof typeof DEFAULT_MS, raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return DEFAULT_MS[field];
  const ns = parseGoDuration(String(raw));
  if (ns === undefined || ns < 0) {
    ctx.sink.report(diag('DURATION_INVALID', ctx.doc.locate([...path, field]), `healthcheck.${field}`, String(raw)));
    return undefined;
  }
  // Docker treats 0 as "use the default"; the daemon rejects anything else under 1ms.
  if (ns > 0 && ns < 1e6) {
    ctx.sink.report(diag('HEALTHCHECK_DURATION_TOO_SHORT', ctx.doc.locate([...path, field]), field, String(raw), LABELS[field]));
    return undefined;
  }
  return ns === 0 ? DEFAULT_MS[field] : ns / 1e6;
}

function testCommand(raw: unknown): string[] {
  if (typeof raw === 'string') return ['CMD-SHELL', raw];
  return Array.isArray(raw) ? raw.map(String) : [];
}

/** undefined when the service has no healthcheck key or it is invalid (reported). */
export function normalizeHealthcheck(ctx: NormalizeContext, servicePath: JsonPath): Healthcheck | undefined {
  const path = [...servicePath, 'healthcheck'];
  const h = valueAt(ctx.doc, path);
  if (!isRecord(h)) return undefined;
  const loc = ctx.doc.locateKey(path);
  const test = testCommand(h.test);
  if (h.disable === true && test.length > 0) {
    ctx.sink.report(diag('HEALTHCHECK_TEST_AND_DISABLE', ctx.doc.locateKey([...path, 'disable'])));
    return undefined;
  }
  const intervalMs = durationMs(ctx, path, 'interval', h.interval);
  const timeoutMs = durationMs(ctx, path, 'timeout', h.timeout);
  const startPeriodMs = durationMs(ctx, path, 'start_period', h.start_period);
  if (intervalMs === undefined || timeoutMs === undefined || startPeriodMs === undefined) return undefined;
  const disable = h.disable === true || test[0] === 'NONE';
  const retries = typeof h.retries === 'number' && h.retries > 0 ? h.retries : 3;
  return { test: disable ? ['NONE'] : test, intervalMs, timeoutMs, retries, startPeriodMs, disable, loc };
}
