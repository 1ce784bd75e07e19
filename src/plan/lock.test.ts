import { describe, expect, it } from 'vitest';
import { EMPTY_LOCK, lockChanged, serializeLock, type Lock } from './lock.js';
import { SAMPLE_LOCK as lock } from './testing/make.js';

describe('lock file', () => {
  it('serializes canonically: sorted keys, array order kept, trailing newline', () => {
    const text = serializeLock(lock);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"api"')).toBeLessThan(text.indexOf('"web": 256'));
    expect(text.indexOf('"n1"')).toBeLessThan(text.indexOf('"n2"'));
    expect(text).toContain('[\n        30001,\n        30000\n      ]');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['fwmarks', 'ips', 'placement', 'ports', 'version']);
    // Code-unit order, not numeric: the same bytes whatever order the tasks were placed in.
    expect(Object.keys((JSON.parse(text) as Lock).placement)).toEqual(['st_web.1', 'st_web.10', 'st_web.2']);
  });

  it('lockChanged is exact: key order does not count, any value does, a missing lock does', () => {
    const reordered: Lock = { ...lock, fwmarks: { api: 257, web: 256 } };
    expect(lockChanged(lock, reordered)).toBe(false);
    expect(lockChanged(lock, { ...lock, fwmarks: { api: 257, web: 258 } })).toBe(true);
    expect(lockChanged(lock, { ...lock, ports: { web: { '80/tcp': [30000, 30001] } } })).toBe(true);
    expect(lockChanged(undefined, EMPTY_LOCK)).toBe(true);
    expect(lockChanged(lock, { ...lock, placement: { ...lock.placement, 'st_web.2': 'n2' } })).toBe(true);
    expect(lockChanged(lock, { ...lock, placement: { 'st_web.1': 'n2', 'st_web.2': 'n1' } })).toBe(true);
  });
});
