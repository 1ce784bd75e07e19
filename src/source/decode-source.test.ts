import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { MAX_COMPOSE_BYTES, decodeSource, firstInvalidUtf8 } from './decode-source.js';

function decode(bytes: Uint8Array) {
  const sink = new DiagnosticSink();
  const text = decodeSource(bytes, 'stack.yml', sink);
  return { text, diags: sink.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code}: ${d.message}`) };
}

describe('decodeSource', () => {
  it('strips a UTF-8 BOM and keeps everything else, CRLF included', () => {
    const r = decode(Buffer.from('\uFEFFservices: {}\r\nx-a: 1\r\n'));
    expect(r).toEqual({ text: 'services: {}\r\nx-a: 1\r\n', diags: [] });
  });
  it('refuses a NUL byte and says where it is', () => {
    const r = decode(Buffer.from('services:\n  web: \u0000\n'));
    expect(r.text).toBeUndefined();
    expect(r.diags).toEqual(['2:8 COMPOSE_FILE_BINARY: stack.yml is not a text file (NUL byte at offset 17)']);
  });
  it('refuses invalid UTF-8 (a Latin-1 file) at the first bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('a: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const r = decode(bytes);
    expect(r.diags).toEqual(['1:7 COMPOSE_FILE_ENCODING: stack.yml is not valid UTF-8 (invalid byte sequence at offset 6)']);
  });
  it('refuses a file over the limit without looking inside', () => {
    const r = decode(new Uint8Array(MAX_COMPOSE_BYTES + 1));
    expect(r.diags).toEqual([`1:1 COMPOSE_FILE_TOO_LARGE: stack.yml is ${MAX_COMPOSE_BYTES + 1} bytes; meshc reads Compose files up to ${MAX_COMPOSE_BYTES} bytes`]);
  });
  it('accepts multi-byte text', () => {
    expect(decode(Buffer.from('image: "café ☕ 𝄞"\n')).text).toBe('image: "café ☕ 𝄞"\n');
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    [[0x61, 0xc0, 0x80], 1], // overlong
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0xe2, 0x82], 0], // truncated
    [[0x61, 0xe2, 0x82, 0xac], 4], // valid: none
  ])('%j → %i', (bytes, offset) => expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset));
});
