/**
 * explain's return path for `client_ip: preserve` on the real pipeline's output: the
 * sandbox RETURN, the task's mark rules and each node's ip rule + route, every one cited
 * at a line of the rendered files that holds it; a plain service shows none of it.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Inventory } from '../model/inventory.js';
import { compilePlan, loadStack, planStack } from '../pipeline.js';
import { explain } from './explain.js';

const STACK = `version: "3.8"
services:
  echo:
    image: busybox
    ports: ["8080:80"]
    x-meshc: {client_ip: preserve}
  plain:
    image: nginx
    ports: ["8081:80"]
`;

const inventory: Inventory = {
  source: null,
  settings: {},
  nodes: ['node1', 'node2'].map((name, i) => ({ name, address: `192.168.50.${11 + i}`, role: i === 0 ? 'manager' : 'worker', labels: {}, engineLabels: {} })),
};

async function compiled() {
  const sink = new DiagnosticSink();
  const io = { env: {}, readFile: () => Buffer.from(STACK) };
  const stack = loadStack({ files: ['app.yml'] }, io, sink);
  const planned = stack && planStack(stack, inventory, {}, sink);
  const out = planned && (await compilePlan(planned.plan, sink));
  if (!planned || !out) throw new Error(sink.items.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return { plan: planned.plan, ruleSets: out.ruleSets, files: out.files };
}

const withoutComment = (line: string) => line.replace(/ -m comment --comment "[^"]*"/, '').replace(/\s+/g, ' ').trim();

describe('explain: the return path of a preserving service', () => {
  it('cites the no-SNAT rule, the mark rules and one route per node, each at its line', async () => {
    const input = await compiled();
    const { text } = explain(input, { service: 'echo' });
    const byPath = new Map(input.files.map((f) => [f.path, f.content.split('\n')]));
    const cited = [...text.matchAll(/^\s+(?:\w+\s+)?(\S+?):(\d+|\?)\s+(.*)$/gm)];
    for (const [, path, line, what] of cited) {
      expect(line, `${path}: ${what}`).not.toBe('?');
      const held = byPath.get(path!)?.[Number(line) - 1] ?? '';
      const rule = /^\w+ (-A .*)$/.exec(what!)?.[1];
      if (rule) expect(withoutComment(held)).toBe(rule);
      const route = /^ip rule pref 20000 fwmark (\S+) lookup (\d+); table \d+: default via (\S+)/.exec(what!);
      if (route) expect(held.trim()).toBe(`'${route[2]} ${route[1]} ${route[3]}'`);
    }
    expect(text).toContain('-A MESHC-SNAT ! -s 10.0.0.0/24 -m mark --mark 0x100 -j RETURN');
    expect(text.match(/-A MESHC-RETURN-IN .*--mac-source/g)).toHaveLength(2);
    expect(text.match(/ip rule pref 20000 fwmark 0x[23]000000\/0xff000000 lookup 2000[23]; table 2000[23]: default via 10\.0\.0\.[23] /g)).toHaveLength(2);
  });

  it('shows no return path for a plain service', async () => {
    const { text } = explain(await compiled(), { service: 'plain' });
    expect(text).not.toMatch(/client_ip|RETURN|ip rule/);
    expect(text).toContain('-j SNAT --to-source');
  });
});
