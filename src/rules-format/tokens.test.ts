import { describe, expect, it } from 'vitest';
import { readIpvsadm } from './ipvsadm.js';
import { readRestore } from './restore.js';
import { tokenize } from './tokens.js';

describe('tokenize (iptables-restore words)', () => {
  it('keeps a double-quoted string as one word and resolves its backslash escapes', () => {
    const w = tokenize('-A MESHC-X -m comment --comment "a \\"b\\" c\\\\" -j ACCEPT');
    expect(w.values).toEqual(['-A', 'MESHC-X', '-m', 'comment', '--comment', 'a "b" c\\', '-j', 'ACCEPT']);
    expect(w.raw[5]).toBe('"a \\"b\\" c\\\\"');
  });

  it('splits on any run of blanks', () => {
    expect(tokenize('  -A\tX   -j  Y ').values).toEqual(['-A', 'X', '-j', 'Y']);
  });
});

describe('readRestore', () => {
  it('gives each line its kind, table, chain and words', () => {
    const lines = readRestore('# hook: x\n*nat\n:MESHC-A - [0:0]\n-A MESHC-A -p tcp -m comment --comment "x y" -j RETURN\nCOMMIT\n');
    expect(lines.map((l) => l.kind)).toEqual(['comment', 'table', 'chain', 'rule', 'commit', 'blank']);
    expect(lines[3]).toMatchObject({ line: 4, table: 'nat', chain: 'MESHC-A', command: '-A', values: ['-p', 'tcp', '-m', 'comment', '--comment', 'x y', '-j', 'RETURN'] });
    expect(lines[3]?.raw.join(' ')).toBe('-p tcp -m comment --comment "x y" -j RETURN');
  });
});

describe('readIpvsadm', () => {
  it('keys services by address and real servers by theirs, short and long options alike', () => {
    const [a, b, c, d] = readIpvsadm('-A -f 256 -s rr\n-a -f 256 -r 10.0.0.5:0 -m -w 1\n--add-service --tcp-service 10.0.0.2:80 -s wrr\nnonsense');
    expect(a).toMatchObject({ kind: 'service', service: 'FWM 256', fwmark: 256, options: ['-s', 'rr'] });
    expect(b).toMatchObject({ kind: 'server', service: 'FWM 256', real: '10.0.0.5:0', options: ['-m', '-w', '1'], line: 2 });
    expect(c).toMatchObject({ kind: 'service', service: 'TCP 10.0.0.2:80', fwmark: null });
    expect(d?.kind).toBe('other');
  });
});
