import { describe, expect, it } from 'vitest';
import { EMPTY_LOCK, lockChanged, serializeLock, type Lock } from './lock.js';

const lock: Lock = {
  version: 1,
  ports: { web: { '80/tcp': [30001, 30000] } },
  fwmarks: { web: 256, api: 257 },
  ips: { nodes: { n2: '10.0.0.3', n1: '10.0.0.2' }, vips: { web: '10.0.0.4' }, tasks: { 'st_web.1': '10.0.0.5' } },
  placement: { 'st_web.2': 'n1', 'st_web.10': 'n2', 'st_web.1': 'n2' },
};

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
