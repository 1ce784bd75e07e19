import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { lockChanged, serializeLock } from '../plan/lock.js';
import { legacyLockPathFor, lockPathFor } from './lock-file.js';
import { parseLock } from './parse-lock.js';
import { SAMPLE_LOCK as lock } from '../plan/testing/make.js';

describe('lock file: name and reading', () => {
  it('sits next to the stack, named after its whole file name', () => {
    expect(lockPathFor('deploy/stack.yml')).toBe('deploy/stack.yml.meshc-lock.json');
    expect(lockPathFor('deploy/stack.yaml')).not.toBe(lockPathFor('deploy/stack.yml'));
    expect(lockPathFor('a.b/stack')).toBe('a.b/stack.meshc-lock.json');
    // The old name, still read as a fallback (cli/lock-file.ts decides when).
    expect(legacyLockPathFor('deploy/stack.yml')).toBe('deploy/stack.meshc-lock.json');
    expect(legacyLockPathFor('a.b/stack')).toBe('a.b/stack.meshc-lock.json');
  });

  it('round-trips through parseLock', () => {
    const sink = new DiagnosticSink();
    const parsed = parseLock(serializeLock(lock), 'x.meshc-lock.json', sink);
    expect(sink.items).toEqual([]);
    expect(serializeLock(parsed!)).toBe(serializeLock(lock));
  });

  it('reads a lock written before placement was recorded as one with no task placed', () => {
    const sink = new DiagnosticSink();
    const { placement: _dropped, ...old } = lock;
    const parsed = parseLock(JSON.stringify(old), 'old.meshc-lock.json', sink);
    expect(sink.items).toEqual([]);
    expect(parsed?.placement).toEqual({});
    expect(lockChanged(parsed, { ...lock, placement: {} })).toBe(false);
    expect(lockChanged(parsed, lock)).toBe(true);
  });

  it('rejects a placement that is not task name → node name', () => {
    for (const placement of ['x', { 'st_web.1': 3 }, { 'st_web.1': '' }]) {
      const sink = new DiagnosticSink();
      expect(parseLock(JSON.stringify({ ...lock, placement }), 'bad.meshc-lock.json', sink)).toBeUndefined();
      expect(sink.items.map((d) => d.code)).toEqual(['LOCK_INVALID']);
    }
  });

  it('reports a damaged lock at the offending line and column', () => {
    const sink = new DiagnosticSink();
    const text = '{\n  "version": 1,\n  "ports": {},\n  "fwmarks": { "web": "x" },\n  "ips": { "nodes": {}, "vips": {}, "tasks": { "t": "10.0.0.300" } }\n}\n';
    expect(parseLock(text, 's.meshc-lock.json', sink)).toBeUndefined();
    expect(sink.items.map((d) => [d.code, d.loc?.line, d.loc?.col])).toEqual([
      ['LOCK_INVALID', 4, 23],
      ['LOCK_INVALID', 5, 53],
    ]);
    expect(sink.items[0]?.message).toContain('fwmarks.web must be integer');
  });

  it('reports a lock the positioned edge refuses under LOCK_INVALID, at the offending line', () => {
    const sink = new DiagnosticSink();
    expect(parseLock('version: 1\nports: {}\nfwmarks: *nowhere\n', 'y.meshc-lock.json', sink)).toBeUndefined();
    expect(sink.items.map((d) => [d.code, d.loc?.line, d.loc?.col])).toEqual([['LOCK_INVALID', 3, 10]]);
    expect(sink.items[0]?.message).toBe("lock file y.meshc-lock.json is invalid: unknown anchor 'nowhere' referenced; fix it or delete it to reallocate everything");
  });

  it('reports broken JSON instead of ignoring it', () => {
    const sink = new DiagnosticSink();
    expect(parseLock('{ "version": 1,', 'l.json', sink)).toBeUndefined();
    expect(sink.items[0]?.code).toBe('LOCK_INVALID');
  });
});
