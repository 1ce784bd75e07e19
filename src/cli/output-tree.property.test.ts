/**
 * Property: whatever a directory holds, `commitOutputs` either refuses and leaves every
 * byte as it was, or the directory held nothing but meshc's own earlier output (or
 * nothing at all). Foreign content is never lost.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitOutputs } from './output-tree.js';
import { MARKER_NAME } from './output-marker.js';

const NAMES = ['plan.json', 'playbook.yml', 'n1', 'host.rules', 'README.md', 'x', MARKER_NAME, '.git', 'tasks'];
const entry = fc.record({ path: fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }), text: fc.string({ maxLength: 8 }) });

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else out[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('commitOutputs never loses foreign content', () => {
  it('refuses with every byte intact, or replaced only meshc output', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshc-prop-'));
    try {
      fc.assert(
        fc.property(fc.array(entry, { maxLength: 6 }), fc.boolean(), (entries, priorMeshc) => {
          const dir = mkdtempSync(join(root, 'd-'));
          if (priorMeshc) commitOutputs({ dir, files: [{ path: 'plan.json', content: '{}\n', mode: 0o644 }, { path: 'n1/host.rules', content: 'r\n', mode: 0o644 }] });
          const ownFiles = new Set(priorMeshc ? ['plan.json', 'n1/host.rules', MARKER_NAME] : []);
          for (const e of entries) {
            const path = join(dir, ...e.path);
            try {
              mkdirSync(join(path, '..'), { recursive: true });
              writeFileSync(path, e.text);
            } catch {
              // a prefix is already a file: skip this entry
            }
          }
          const before = snapshot(dir);
          let ok = true;
          try {
            commitOutputs({ dir, files: [{ path: 'plan.json', content: 'new\n', mode: 0o644 }] });
          } catch {
            ok = false;
          }
          if (!ok) expect(snapshot(dir)).toEqual(before);
          // Written: everything that was there must have been a file of meshc's own output.
          else for (const p of Object.keys(before)) expect(ownFiles.has(p), p).toBe(true);
        }),
        { numRuns: 200 },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
