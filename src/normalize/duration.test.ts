// Go duration parsing and printing; the expected strings are what `docker stack config`
// printed for these inputs (docker 28.2.2) and Go's time.ParseDuration error cases.
import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './duration.js';

describe('Go durations', () => {
  it.each([
    ['1.5h', '1h30m0s'],
    ['90s', '1m30s'],
    ['100ms', '100ms'],
    ['1.5ms', '1.5ms'],
    ['0.5us', '500ns'],
    ['1h', '1h0m0s'],
    ['2h45m', '2h45m0s'],
    ['1m0.5s', '1m0.5s'],
    ['3600s', '1h0m0s'],
    ['1.000000001s', '1.000000001s'],
    ['0s', '0s'],
    ['0', '0s'],
    ['.5s', '500ms'],
    ['5.s', '5s'],
    ['1h1ns', '1h0m0.000000001s'],
    ['1µs', '1µs'],
    ['2.5µs', '2.5µs'],
    ['-1m', '-1m0s'],
  ])('%s prints as %s', (raw, printed) => {
    const ns = parseGoDuration(raw);
    expect(ns).toBeDefined();
    expect(formatGoDuration(ns!)).toBe(printed);
  });

  it.each(['', 'abc', '10', '1x', '.s', '1.5', 's', '1h-1m', '--1s'])('rejects %j', (raw) => {
    expect(parseGoDuration(raw)).toBeUndefined();
  });

  it('parses to nanoseconds', () => {
    expect(parseGoDuration('1m30s')).toBe(90e9);
    expect(parseGoDuration('250ms')).toBe(250e6);
  });
});
