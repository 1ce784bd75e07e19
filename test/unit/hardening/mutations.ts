/**
 * Byte-level mutations of real stack files (every YAML fixture under fixtures/), for the
 * fuzz suite: flips, insertions of YAML indicators and bytes that break encodings (NUL,
 * invalid UTF-8, BOM, CR), truncation, deletion, line duplication, CRLF, a leading BOM.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './private-build.js';

/** Every inventory and lock file under fixtures/ (the other inputs meshc reads). */
export function sideFixtures(kind: 'inventory' | 'lock'): Buffer[] {
  const test = kind === 'inventory' ? (f: string) => /inventory\.ya?ml$/.test(f) : (f: string) => /lock\.json$/.test(f);
  return walk(join(ROOT, 'fixtures')).filter(test).sort().map((f) => readFileSync(f));
}

export function stackFixtures(): Buffer[] {
  const dirs = [join(ROOT, 'fixtures', 'compile'), join(ROOT, 'fixtures', 'differential'), join(ROOT, 'fixtures', 'errors')];
  const files = dirs.flatMap((d) => walk(d)).filter((f) => /\.ya?ml$/.test(f) && !f.includes('inventory')).sort();
  return files.map((f) => readFileSync(f));
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}

const INTERESTING = [0x00, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x23, 0x26, 0x2a, 0x3a, 0x2d, 0x5b, 0x5d, 0x7b, 0x7d, 0x7c, 0x3e, 0x21, 0x25, 0x40, 0x60, 0x3c, 0xef, 0xbb, 0xbf, 0xfe, 0xff, 0xc3, 0x80];

type Mutation = (b: Buffer) => Buffer;
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(255)).map(([at, v]) => (b: Buffer) => Object.assign(Buffer.from(b), { [at % Math.max(b.length, 1)]: v })),
  fc.tuple(fc.nat(), fc.constantFrom(...INTERESTING)).map(([at, v]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % (b.length + 1)), Buffer.from([v]), b.subarray(at % (b.length + 1))])),
  fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % (b.length + 1))),
  fc.tuple(fc.nat(), fc.nat(40)).map(([at, n]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % (b.length + 1)), b.subarray((at % (b.length + 1)) + n)])),
  fc.nat().map((at) => (b: Buffer) => {
    const lines = b.toString('latin1').split('\n');
    const i = at % lines.length;
    return Buffer.from([...lines.slice(0, i + 1), lines[i] ?? '', ...lines.slice(i + 1)].join('\n'), 'latin1');
  }),
  fc.constant((b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')),
  fc.constant((b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])),
);

