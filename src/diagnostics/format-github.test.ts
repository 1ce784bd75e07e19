import { describe, expect, it } from 'vitest';
import { formatGithub } from './format-github.js';
import type { Diagnostic } from './types.js';

/** The runner's own parsing (actions/runner ActionCommand): unescape after splitting on ',' and '='. */
function parseCommand(line: string): { command: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props = Object.fromEntries((m[2] ?? '').split(',').map((kv) => kv.split('=', 2).map(unescape)));
  return { command: m[1] ?? '', props, message: unescape(m[3] ?? '') };
}

describe('formatGithub', () => {
  it('prints one annotation per diagnostic with file, line, col and the code as title', () => {
    const d: Diagnostic = { code: 'PORT_CONFLICT', severity: 'error', message: 'port 8080/tcp in use', loc: { file: 'stack.yml', line: 9, col: 11 } };
    expect(formatGithub([d])).toBe('::error file=stack.yml,line=9,col=11,title=PORT_CONFLICT::port 8080/tcp in use\n');
  });

  it('maps severities to error, warning and notice, and leaves out the position when there is none', () => {
    const out = formatGithub([
      { code: 'USAGE', severity: 'error', message: 'x' },
      { code: 'PORT_HOST_IP_IGNORED', severity: 'warning', message: 'y', loc: { file: 's.yml', line: 1, col: 2 } },
      { code: 'LOCK_STALE', severity: 'info', message: 'z', loc: { file: '-', line: 1, col: 1 } },
    ]);
    expect(out.split('\n').filter(Boolean).map((l) => parseCommand(l).command)).toEqual(['error', 'warning', 'notice']);
    expect(out).toContain('::error title=USAGE::x\n');
    expect(out).toContain('::notice title=LOCK_STALE::z\n');
  });

  // Control characters from the input are shown as escapes (issue 13 item 14); the note
  // separator is meshc's own newline and survives the runner's round trip.
  it('escapes %, CR, LF in the message and also : and , in properties, so the runner reads back the escaped text', () => {
    const d: Diagnostic = {
      code: 'SCHEMA_VIOLATION',
      severity: 'error',
      message: '100% wrong:\r\nline two, with ::error inside',
      loc: { file: 'dir,x/a:b%.yml', line: 3, col: 4, endLine: 3, endCol: 9 },
      notes: [{ message: 'see here', loc: { file: 'o.yml', line: 1, col: 2 } }],
    };
    const line = formatGithub([d]).trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    const parsed = parseCommand(line);
    expect(parsed.props).toEqual({ file: 'dir,x/a:b%.yml', line: '3', col: '4', endLine: '3', endColumn: '9', title: 'SCHEMA_VIOLATION' });
    expect(parsed.message).toBe('100% wrong:\\r\\nline two, with ::error inside\nnote: see here (o.yml:1:2)');
  });

  it('prints nothing for no diagnostics', () => {
    expect(formatGithub([])).toBe('');
  });
});
