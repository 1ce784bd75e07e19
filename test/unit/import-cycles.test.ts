/**
 * No import cycle between the folders of src/ (the stages and their edges): a cycle means
 * two stages that can no longer be read, tested or replaced one at a time. Imports are
 * read from the source text (static `import … from` and `export … from`, type-only ones
 * included, since they couple the folders just as much); tests beside the code are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/**
 * Cycles that exist today and are being removed (issue 15, item 1 "Input edge": shared
 * helpers move down into one front end). Remove an entry when its cycle goes; a new
 * cycle fails the test.
 */
const KNOWN: readonly string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The top folder under src/ of a file ('' for files directly in src/, like pipeline.ts). */
function folderOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length > 1 ? (rel[0] as string) : '';
}

/** Folder → folders it imports from. */
function folderGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)) {
      const target = resolve(dirname(file), m[1] as string);
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle, as its strongly connected component's folders, sorted and joined by ' ↔ '. */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  // Tarjan's algorithm: each component of more than one folder is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const out: string[] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.map((f) => f || 'src/').sort().join(' ↔ '));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort();
}

describe('imports between src/ folders', () => {
  it('form no cycle (apart from the known ones being removed)', () => {
    expect(cycles(folderGraph(sources(SRC)))).toEqual([...KNOWN].sort());
  });

  it('can fail: a cycle is found', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cycles(graph)).toEqual(['a ↔ b ↔ c']);
  });
});
