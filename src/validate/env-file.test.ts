import { describe, expect, it } from 'vitest';
import { parseEnvFile } from './env-file.js';

const env: Record<string, string> = { SET: 'from-env' };
const parse = (text: string) => parseEnvFile(text, (n) => env[n]);

describe('parseEnvFile (docker/cli opts.ParseEnvFile)', () => {
  it('passes values through untouched and skips comments, blank lines and leading white space', () => {
    expect(parse('\uFEFFA=1\n# comment\n\n   B="two words" \nC=a=b\nD=\r\n\tE=tab\n').vars).toEqual([
      ['A', '1'],
      ['B', '"two words" '],
      ['C', 'a=b'],
      ['D', ''],
      ['E', 'tab'],
    ]);
  });

  it('takes a bare name from the environment, and drops it when the environment lacks it', () => {
    expect(parse('SET\nUNSET\n').vars).toEqual([['SET', 'from-env']]);
  });

  it('rejects a name with white space or no name, with the line and column', () => {
    expect(parse('A=1\n  export B=2\n').problem).toEqual({ line: 2, col: 3, why: "variable 'export B' contains whitespaces" });
    expect(parse('=value\n').problem).toEqual({ line: 1, col: 1, why: "no variable name on line '=value'" });
  });
});
