/**
 * explain on the real pipeline's output (front end, planner, emitters, renderers):
 * every rule it cites must be found in the rendered files, at a line that holds it.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import { compilePlan, loadStack, planStack } from '../pipeline.js';
import { explain } from './explain.js';

const STACK = `version: "3.8"
services:
  web:
    image: nginx:1.27
    deploy:
      replicas: 3
    ports:
      - "8080:80"
      - target: 53
        protocol: udp
  db:
    image: postgres:16
    ports:
      - target: 5432
        published: 5432
        mode: host
`;

const inventory: Inventory = {
  source: null,
  settings: {},
  nodes: ['node1', 'node2', 'node3'].map((name, i) => ({ name, address: `192.168.50.${11 + i}`, role: i === 0 ? 'manager' : 'worker', labels: {}, engineLabels: {} })),
};

async function compiled() {
  const sink = new DiagnosticSink();
  const io = { env: {}, readFile: (path: string) => Buffer.from(path === 'shop.yml' ? STACK : '') };
  const stack = loadStack({ files: ['shop.yml'] }, io, sink);
  const planned = stack && planStack(stack, inventory, {}, sink);
  const out = planned && (await compilePlan(planned.plan, sink));
  if (!planned || !out) throw new Error(sink.items.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return { plan: planned.plan, ruleSets: out.ruleSets, files: out.files };
}

const withoutComment = (line: string) => line.replace(/ -m comment --comment "[^"]*"/, '').replace(/\s+/g, ' ').trim();

describe('explain on compiled output', () => {
  it('finds the line of every rule on the path, on every node', async () => {
    const input = await compiled();
    const { text, found } = explain(input, { service: 'web' });
    expect(found).toBe(true);
    const byPath = new Map(input.files.map((f) => [f.path, f.content.split('\n')]));
    const cited = [...text.matchAll(/^\s+(?:\w+\s+)?(\S+?):(\d+|\?)\s+(.*)$/gm)];
    expect(cited.length).toBeGreaterThan(40);
    for (const [, path, line, what] of cited) {
      expect(line, `${path}: ${what}`).not.toBe('?');
      const held = byPath.get(path!)?.[Number(line) - 1] ?? '';
      const rule = /^\w+ (-A .*)$/.exec(what!)?.[1];
      if (rule) expect(withoutComment(held)).toBe(rule);
      if (what!.startsWith('hook ')) expect(held).toMatch(/^# hook: /);
    }
    for (const node of ['node1', 'node2', 'node3']) expect(text).toContain(`entering at ${node} `);
    for (const task of input.plan.services.find((s) => s.name === 'web')!.tasks) expect(text).toContain(`${task.node}/tasks/${task.name}.rules:`);
  });

  it('explains the host-mode port without rules', async () => {
    const { text } = explain(await compiled(), { service: 'db', port: 5432 });
    expect(text).toContain('host mode: no routing mesh');
  });
});
