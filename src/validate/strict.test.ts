// --strict: Swarm-surprise warnings become errors; other warnings stay; --warnings-as-errors is unchanged.
import { describe, expect, it } from 'vitest';
import { run } from '../cli/main.js';

function cli(args: string[], files: Record<string, string>) {
  let err = '';
  const io = {
    cwd: '/w',
    env: {},
    stdout: () => undefined,
    stderr: (s: string) => void (err += s),
    readFile: (p: string) => {
      const key = p.replace(/^\/w\//, '');
      if (!(key in files)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return Buffer.from(files[key]!);
    },
    readStdin: () => Buffer.from(''),
    isRegularFile: () => true,
  };
  return run(args, io as never).then((code) => ({ code, err }));
}

const STACK = 'services:\n  web:\n    image: nginx\n    ports: [{target: 80, published: 8080, protocol: http}]\n';

describe('validate --strict', () => {
  it('passes with a warning without --strict, fails with it', async () => {
    const plain = await cli(['validate', 'stack.yml'], { 'stack.yml': STACK });
    expect(plain.err).toContain('warning PORT_PROTOCOL_UNKNOWN');
    expect(plain.code).toBe(0);
    const strict = await cli(['validate', '--strict', 'stack.yml'], { 'stack.yml': STACK });
    expect(strict.err).toContain('error PORT_PROTOCOL_UNKNOWN');
    expect(strict.code).toBe(1);
  });
});
