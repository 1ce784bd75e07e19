// The origin trie behind merged documents' positions.
import { describe, expect, it } from 'vitest';
import { OriginTrie } from './origin-trie.js';
import { composeDocFromYaml } from './testing/compose-doc.js';

const a = composeDocFromYaml('services:\n  web:\n    image: x\n    ports: ["80"]\n', 'a.yml');
const b = composeDocFromYaml('services:\n  web:\n    ports:\n      - "81"\n', 'b.yml');

describe('OriginTrie', () => {
  it('resolves through the deepest recorded prefix, appending the rest of the path', () => {
    const t = new OriginTrie();
    t.record([], { doc: a, path: [] });
    t.record(['services', 'web', 'ports', 0], { doc: b, path: ['services', 'web', 'ports', 0] });
    expect(t.resolve(['services', 'web', 'image'])).toEqual({ doc: a, path: ['services', 'web', 'image'] });
    expect(t.resolve(['services', 'web', 'ports', 0, 'published'])).toEqual({ doc: b, path: ['services', 'web', 'ports', 0, 'published'] });
    expect(t.locate(['services', 'web', 'ports', 0, 'published'], { file: '?', line: 0, col: 0 })).toEqual({ file: 'b.yml', line: 4, col: 9 });
  });

  it('forgets what was recorded below a path that is recorded again', () => {
    const t = new OriginTrie();
    t.record(['services', 'web', 'ports', 0], { doc: b, path: ['services', 'web', 'ports', 0] });
    t.record(['services', 'web'], { doc: a, path: ['services', 'web'] });
    expect(t.resolve(['services', 'web', 'ports', 0])?.doc).toBe(a);
  });

  it('falls back when nothing is recorded', () => {
    const fallback = { file: 'x.yml', line: 1, col: 1 };
    expect(new OriginTrie().locateKey(['services'], fallback)).toBe(fallback);
  });
});
