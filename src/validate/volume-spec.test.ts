import { describe, expect, it } from 'vitest';
import { isWindowsAbs, parseVolumeSpec } from './volume-spec.js';

// Expectations as docker 28.2.2's `docker stack config` prints them (fixtures/differential/config-volumes-*.yml).
describe('parseVolumeSpec (docker/cli volumespec Parse)', () => {
  it.each([
    ['data:/srv', { type: 'volume', source: 'data', target: '/srv' }],
    ['x:/data', { type: 'volume', target: 'x:/data' }],
    ['ab', { type: 'volume', target: 'ab' }],
    ['./a:/b:cached', { type: 'bind', source: './a', target: '/b' }],
    ['./g:/h:ro,rshared', { type: 'bind', source: './g', target: '/h', read_only: true, bind: { propagation: 'rshared' } }],
    ['vol:/q:nocopy,rw', { type: 'volume', source: 'vol', target: '/q', read_only: false, volume: { nocopy: true } }],
    ['C:\\data:c:\\data', { type: 'bind', source: 'C:\\data', target: 'c:\\data' }],
    ['\\\\server\\share:/mnt', { type: 'bind', source: '\\\\server\\share', target: '/mnt' }],
  ])('%s', (spec, volume) => {
    expect(parseVolumeSpec(spec)).toEqual({ ok: true, volume });
  });

  it.each([
    ['/a:/b:ro:', 'invalid spec: /a:/b:ro:: too many colons'],
    ['data::/srv', 'invalid spec: data::/srv: empty section between colons'],
    ['', 'invalid empty volume spec'],
  ])('refuses %s', (spec, error) => {
    expect(parseVolumeSpec(spec)).toEqual({ ok: false, error });
  });
});

describe('isWindowsAbs (loader windows_path.go isAbs)', () => {
  it.each([
    ['C:\\x', true], ['z:\\', true], ['Z:/a', true], ['C:', false], ['C:x', false],
    ['\\\\server\\share\\dir', true], ['\\\\server\\share', false], ['\\\\.\\pipe', false], ['/abs', false], ['rel', false],
  ])('%s → %s', (path, abs) => {
    expect(isWindowsAbs(path)).toBe(abs);
  });
});
