import fc from 'fast-check';
import { describe, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { readComposeFile } from './read-compose.js';

/** Whatever the bytes, the front end answers with a document or with errors, never by throwing. */
function answers(bytes: Uint8Array, env: Record<string, string>): boolean {
  const sink = new DiagnosticSink();
  const doc = readComposeFile('f.yml', { readFile: () => Buffer.from(bytes), env }, sink);
  return doc !== undefined ? !sink.hasErrors() : sink.hasErrors();
}

const PIECES = ['services:', '\n', '  ', 'web:', 'image: x', 'ports:', '- ', '"8080:80"', '{', '}', '[', ']', ',', ':', '&a ', '*a', '<<: ',
  '${V}', '$', '${V:-d}', '${V:?e}', 'version: ', '"3.1"', '3', 'x-a: ', 'target: ', 'published: ', '"', "'", '#', '---', '\t', 'null', '~', '1_0'];

describe('readComposeFile never throws', () => {
  it('on Compose-like text', () => {
    const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((p) => new TextEncoder().encode(p.join('')));
    fc.assert(fc.property(text, fc.constantFrom<Record<string, string>>({}, { V: '80' }, { V: '' }), (bytes, env) => answers(bytes, env)), { numRuns: 500 });
  });
  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => answers(bytes, {})), { numRuns: 300 });
  });
});
