import { describe, expect, it } from 'vitest';
import { parseSelector } from './explain-command.js';

describe('parseSelector', () => {
  it('reads service, port and protocol', () => {
    expect(parseSelector('web')).toEqual({ service: 'web' });
    expect(parseSelector('web:8080')).toEqual({ service: 'web', port: 8080 });
    expect(parseSelector('dns:53/udp')).toEqual({ service: 'dns', port: 53, protocol: 'udp' });
    expect(parseSelector(':8080')).toEqual({ port: 8080 });
  });
  it('rejects anything else', () => {
    for (const bad of ['', ':', 'web:', 'web:80/http', 'a b', 'web:123456', '$(id)']) {
      expect(() => parseSelector(bad)).toThrow(/SERVICE\[:PORT/);
    }
  });
});
