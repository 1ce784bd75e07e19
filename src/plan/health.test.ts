import { describe, expect, it } from 'vitest';
import { checkHealthPort, planHealth } from './health.js';
import { DiagnosticSink } from '../diagnostics/types.js';
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

describe('checkHealthPort', () => {
  const udp: PlanPort = { published: 53, target: 5353, protocol: 'udp', mode: 'ingress', dynamic: false };
  const check = (service: Service) => {
    const sink = new DiagnosticSink();
    checkHealthPort(service, sink);
    return sink.items.map((d) => d.code);
  };
  it('defaults the probe to the first TCP ingress target, skipping UDP ports', () => {
    expect(planHealth(svc('x', { extra: { probe: { kind: 'tcp', loc: loc() } } }), [udp, ...ports])).toMatchObject({ port: 80 });
  });
  it('accepts a probe on a published TCP target port', () => {
    expect(check(svc('x', { ports: ['8888:80'], extra: { probe: { kind: 'tcp', port: 80, loc: loc() } } }))).toEqual([]);
    expect(check(svc('x', { ports: ['8888:80'], extra: { probe: { kind: 'tcp', loc: loc() } } }))).toEqual([]);
  });
  it('rejects a probe the task rules would drop: an unpublished port, or no TCP ingress port at all', () => {
    expect(check(svc('x', { ports: ['8888:80'], extra: { probe: { kind: 'tcp', port: 8080, loc: loc() } } }))).toEqual(['HEALTH_PORT_UNREACHABLE']);
    expect(check(svc('x', { ports: ['53:5353/udp'], extra: { probe: { kind: 'http', path: '/', status: 200, loc: loc() } } }))).toEqual(['HEALTH_PORT_UNREACHABLE']);
    expect(check(svc('x', { ports: ['8888:80'], extra: {} }))).toEqual([]);
  });
});
