/**
 * Pathological inputs for the fuzz suites, generated (never committed: some are 100 MB).
 * Each case names the file it is (stack or inventory) and its bounds: the CPU time and peak
 * memory meshc may take to answer it. The bounds are limits against blow-ups, set
 * several times above what a sane implementation needs on a small shared machine, not
 * performance targets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './private-build.js';

export interface FuzzCase {
  readonly name: string;
  /** Which input the bytes are. */
  readonly role: 'stack' | 'inventory' | 'lock';
  readonly bytes: () => Buffer;
  /** Exit codes that are a right answer (0 valid, 1 diagnosed). */
  readonly exits: readonly number[];
  readonly maxSeconds: number;
  readonly maxMb: number;
}

export const SEED = (): Buffer => readFileSync(join(ROOT, 'fixtures', 'seed', 'stack.yml'));
const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const HEAD = 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n';

function services(bytes: number): Buffer {
  const parts = ['version: "3.8"\nservices:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s = `  s${i}:\n    image: nginx\n`;
    parts.push(s);
    size += s.length;
  }
  return text(parts.join(''));
}

function billionLaughs(levels: number): Buffer {
  const lines = ['version: "3.8"', 'x-lol:', '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  return text(`${lines.join('\n')}\n${HEAD.split('\n').slice(1).join('\n')}`);
}

function deepBlockMap(levels: number): Buffer {
  const lines = ['version: "3.8"', 'x-deep:'];
  for (let i = 1; i < levels; i++) lines.push(`${'  '.repeat(i)}a${i}:`);
  lines.push(`${'  '.repeat(levels)}z: 1`);
  return text(`${lines.join('\n')}\n${HEAD.split('\n').slice(1).join('\n')}`);
}

const small = { maxSeconds: 20, maxMb: 512 };
const inventoryHead = 'nodes:\n  - name: node1\n    address: 192.168.56.11\n';

export const FUZZ_CASES: readonly FuzzCase[] = [
  { name: 'seed stack (control)', role: 'stack', bytes: SEED, exits: [0], ...small },
  { name: 'UTF-8 BOM and CRLF line ends', role: 'stack', bytes: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text(SEED().toString().replace(/\n/g, '\r\n'))]), exits: [0], ...small },
  { name: 'UTF-16LE with BOM', role: 'stack', bytes: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SEED().toString(), 'utf16le')]), exits: [1], ...small },
  { name: 'NUL bytes', role: 'stack', bytes: () => Buffer.concat([SEED(), Buffer.from([0, 0, 0x0a])]), exits: [1], ...small },
  { name: 'invalid UTF-8', role: 'stack', bytes: () => Buffer.concat([text(HEAD), Buffer.from([0x23, 0xc3, 0x28, 0xff, 0x0a])]), exits: [1], ...small },
  { name: 'YAML syntax error', role: 'stack', bytes: () => text(`${HEAD}  bad: [unclosed\n`), exits: [1], ...small },
  { name: 'billion laughs (9 levels of 9 aliases)', role: 'stack', bytes: () => billionLaughs(9), exits: [1], ...small },
  { name: 'deep flow sequence (100,000 levels)', role: 'stack', bytes: () => text(`${HEAD}    labels: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), exits: [1], ...small },
  // docker stack config accepts it (and meshc config prints the same bytes): the block reader
  // (src/source/block-yaml.ts) reads it; 3,000 levels still exhaust the stack (YAML_TOO_DEEP).
  { name: 'deep block mapping (1,500 levels)', role: 'stack', bytes: () => deepBlockMap(1_500), exits: [0], ...small },
  { name: 'deep block mapping (3,000 levels)', role: 'stack', bytes: () => deepBlockMap(3_000), exits: [1], ...small },
  { name: 'one 10 MB scalar', role: 'stack', bytes: () => text(`${HEAD}    hostname: "${'x'.repeat(9_999_000)}"\n`), exits: [0, 1], maxSeconds: 30, maxMb: 1024 },
  { name: '10 MB of comments', role: 'stack', bytes: () => text(`${HEAD}${`# ${'c'.repeat(98)}\n`.repeat(99_000)}`), exits: [0], maxSeconds: 30, maxMb: 1024 },
  // 361,111 services: measured 1.78–1.96 GB peak (the yaml AST plus one object per service and
  // position); 3 GB leaves room for allocator noise while still catching a real blow-up.
  { name: '10 MB stack of minimal services', role: 'stack', bytes: () => services(10_000_000), exits: [0, 1], maxSeconds: 60, maxMb: 3072 },
  { name: '100 MB stack', role: 'stack', bytes: () => Buffer.concat([text(HEAD), Buffer.alloc(100_000_000, 0x20), text('\n')]), exits: [1], maxSeconds: 30, maxMb: 1024 },
  { name: '100 MB inventory', role: 'inventory', bytes: () => Buffer.concat([text(inventoryHead), text('#'), Buffer.alloc(100_000_000, 0x78), text('\n')]), exits: [0, 1], maxSeconds: 30, maxMb: 1536 },
  { name: 'deep inventory (3,000 levels)', role: 'inventory', bytes: () => text(`${inventoryHead}${deepBlockMap(3_000).toString().split('\n').slice(1, 3_002).join('\n')}\n`), exits: [1], ...small },
  { name: 'inventory with an unknown alias', role: 'inventory', bytes: () => text('nodes:\n  - name: *node3\n    address: 192.168.56.11\n'), exits: [1], ...small },
  { name: 'inventory alias bomb', role: 'inventory', bytes: () => text(`${billionLaughs(8).toString().replace('version: "3.8"\n', '').split('\nservices:')[0]}\n${inventoryHead}`), exits: [1], ...small },
  { name: 'lock file with an unknown alias', role: 'lock', bytes: () => text('{"version": 1, "ports": *x, "fwmarks": {}, "ips": {"nodes": {}, "vips": {}, "tasks": {}}}\n'), exits: [1], ...small },
  { name: 'binary inventory', role: 'inventory', bytes: () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), exits: [1], ...small },
];
