// Healthcheck normalisation: daemon defaults, durations, test forms, docker's conflict error.
import { describe, expect, it } from 'vitest';
import { normalizeYaml } from './testing/run.js';

const svc = (hc: string): string => `services:\n  a:\n    image: x\n    healthcheck:\n${hc}`;

describe('healthcheck', () => {
  it('fills the daemon defaults: 30s, 30s, 3 retries, start period 0', () => {
    const h = normalizeYaml(svc('      test: ["CMD", "true"]\n')).stack?.services[0]?.healthcheck;
    expect(h).toMatchObject({ test: ['CMD', 'true'], intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0, disable: false });
    expect(h?.loc).toMatchObject({ line: 4, col: 5 });
  });

  it('parses Go durations and a string test as CMD-SHELL', () => {
    const h = normalizeYaml(svc('      test: curl -f http://localhost/\n      interval: 1m30s\n      timeout: 500ms\n      start_period: 1.5h\n      retries: 5\n')).stack
      ?.services[0]?.healthcheck;
    expect(h).toMatchObject({ test: ['CMD-SHELL', 'curl -f http://localhost/'], intervalMs: 90_000, timeoutMs: 500, startPeriodMs: 5_400_000, retries: 5 });
  });

  it('treats disable: true and test NONE as disabled', () => {
    expect(normalizeYaml(svc('      disable: true\n')).stack?.services[0]?.healthcheck).toMatchObject({ test: ['NONE'], disable: true });
    expect(normalizeYaml(svc('      test: ["NONE"]\n')).stack?.services[0]?.healthcheck).toMatchObject({ test: ['NONE'], disable: true });
  });

  it('rejects test together with disable (docker’s message) at the disable key', () => {
    const r = normalizeYaml(svc('      test: ["CMD", "true"]\n      disable: true\n'));
    expect(r.codes).toEqual(['6:7 HEALTHCHECK_TEST_AND_DISABLE']);
    expect(r.items[0]?.message).toBe("test and disable can't be set at the same time");
  });

  it('rejects durations under 1ms, which the daemon refuses, but keeps 0 as the default', () => {
    const r = normalizeYaml(svc('      interval: 500us\n      timeout: 0s\n'));
    expect(r.codes).toEqual(['5:17 HEALTHCHECK_DURATION_TOO_SHORT']);
    expect(r.items[0]?.message).toContain('Interval in Healthcheck cannot be less than 1ms');
    expect(normalizeYaml(svc('      timeout: 0s\n')).stack?.services[0]?.healthcheck?.timeoutMs).toBe(30_000);
  });

  it('reports every bad duration at its value', () => {
    const r = normalizeYaml(svc('      interval: 10\n      timeout: 1x\n'));
    expect(r.codes).toEqual(['5:17 DURATION_INVALID', '6:16 DURATION_INVALID']);
    expect(r.items[0]?.message).toContain('healthcheck.interval: invalid duration "10"');
  });
});
