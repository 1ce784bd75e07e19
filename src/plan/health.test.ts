import { describe, expect, it } from 'vitest';
import { planHealth } from './health.js';
import { loc, svc } from './testing/make.js';
import type { Healthcheck, Service } from '../model/stack.js';
import type { PlanPort } from '../model/plan.js';

const hc = (test: string[], disable = false): Healthcheck => ({ test, intervalMs: 5000, timeoutMs: 2000, retries: 4, startPeriodMs: 1000, disable, loc: loc() });
const ports: PlanPort[] = [{ published: 8888, target: 80, protocol: 'tcp', mode: 'ingress', dynamic: false }];
const health = (extra: Partial<Service>) => planHealth(svc('x', { extra }), ports);
const timing = { intervalMs: 5000, timeoutMs: 2000, retries: 4, startPeriodMs: 1000 };

describe('planHealth', () => {
  it('is null without a healthcheck, with NONE, or disabled', () => {
    expect(health({})).toBeNull();
    expect(health({ healthcheck: hc(['NONE']) })).toBeNull();
    expect(health({ healthcheck: hc(['CMD', 'true'], true) })).toBeNull();
  });

  it('turns CMD and CMD-SHELL tests into commands with the healthcheck timing', () => {
    expect(health({ healthcheck: hc(['CMD', 'curl', '-f', 'http://localhost/']) })).toEqual({ kind: 'cmd', command: ['curl', '-f', 'http://localhost/'], ...timing });
    expect(health({ healthcheck: hc(['CMD-SHELL', 'curl -f localhost || exit 1']) })).toEqual({ kind: 'cmd', command: ['/bin/sh', '-c', 'curl -f localhost || exit 1'], ...timing });
  });

  it('prefers an x-meshc probe, defaulting its port to the first target port and timing to Docker defaults', () => {
    expect(health({ probe: { kind: 'tcp', loc: loc() } })).toEqual({ kind: 'tcp', port: 80, intervalMs: 30000, timeoutMs: 30000, retries: 3, startPeriodMs: 0 });
    expect(health({ probe: { kind: 'http', port: 81, path: '/healthz', status: 204, loc: loc() }, healthcheck: hc(['CMD', 'x']) })).toEqual({ kind: 'http', port: 81, path: '/healthz', status: 204, ...timing });
  });
});
