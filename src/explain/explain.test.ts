import { describe, expect, it } from 'vitest';
import { explain } from './explain.js';
import { samplePlan, sampleRuleSets } from './testing/sample.js';
import { renderFiles } from '../render/render-files.js';

/** Column padding varies with the widest entry; compare with single spaces. */
const squash = (text: string) => text.replace(/ +/g, ' ');

// The renderer's own output: explain cites the lines the renderer recorded as it printed.
const input = { plan: samplePlan, ruleSets: sampleRuleSets, files: renderFiles(samplePlan, sampleRuleSets) };

/** Every `path:line` the explanation cites, with the text after it. */
function citations(text: string): { path: string; line: string; what: string }[] {
  return [...text.matchAll(/^\s+(?:\w+\s+)?(\S+?):(\d+|\?)\s+(.*)$/gm)].map((m) => ({ path: m[1]!, line: m[2]!, what: m[3]! }));
}

describe('explain', () => {
  it('cites a real line for every rule, and that line holds the rule', () => {
    const { text, found } = explain(input, { service: 'web', port: 8080 });
    expect(found).toBe(true);
    const cited = citations(text);
    expect(cited.length).toBeGreaterThan(10);
    const byPath = new Map(input.files.map((f) => [f.path, f.content.split('\n')]));
    for (const c of cited) {
      expect(c.line, `${c.path} in: ${c.what}`).not.toBe('?');
      const line = byPath.get(c.path)?.[Number(c.line) - 1] ?? '';
      // The renderer puts the comment match after the address and protocol fields; compare without it.
      const rule = /^\w+ (-A .*)$/.exec(c.what)?.[1];
      if (rule) expect(line.replace(/ -m comment --comment "[^"]*"/, '')).toBe(rule);
      if (c.what.startsWith('hook ')) expect(line).toMatch(/^# hook: /);
    }
  });

  it('walks host DNAT, sandbox mark, IPVS with each real server, SNAT, then every task REDIRECT', () => {
    const text = squash(explain(input, { port: 8080, protocol: 'tcp' }).text);
    for (const node of ['node1', 'node2']) {
      const section = text.slice(text.indexOf(`entering at ${node}`));
      const order = [
        `${node}/host.rules:8  nat -A MESHC-INGRESS -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:8080`,
        `${node}/ingress.rules:7  mangle -A MESHC-MARK -p tcp --dport 8080 -j MARK --set-mark 256`,
        `${node}/ipvs.rules:1     FWM 256 rr`,
        `${node}/ipvs.rules:2       -> 10.0.0.5:0 masq weight 1  shop_web.1 on node1`,
        `${node}/ipvs.rules:3       -> 10.0.0.6:0 masq weight 1  shop_web.2 on node2`,
        `${node}/ingress.rules:12  nat -A MESHC-SNAT -m ipvs --ipvs -d 10.0.0.0/24 -j SNAT --to-source 10.0.0.2`,
      ].map((needle) => section.indexOf(squash(needle)));
      expect(order.every((at) => at >= 0), `${node}: ${order}`).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    }
    expect(text).toContain('node1/tasks/shop_web.1.rules:6 nat -A MESHC-TASK -d 10.0.0.5 -p tcp --dport 8080 -j REDIRECT --to-ports 80');
    expect(text).toContain('node2/tasks/shop_web.2.rules:6 nat -A MESHC-TASK -d 10.0.0.6 -p tcp --dport 8080 -j REDIRECT --to-ports 80');
    expect(text).toContain('node1/host.rules:3 hook nat PREROUTING -m addrtype --dst-type LOCAL -j MESHC-INGRESS');
    expect(text).not.toContain('30000');
  });

  it('selects by Swarm service name and protocol, and keeps plan order', () => {
    const udp = explain(input, { service: 'shop_web', protocol: 'udp' }).text;
    expect(udp.startsWith('shop_web 30000/udp -> target 53 (ingress, published port allocated by meshc, fwmark 256')).toBe(true);
    expect(udp).not.toContain('8080');
    const all = explain(input, {}).text;
    expect(all.indexOf('shop_db 5432/tcp')).toBeLessThan(all.indexOf('shop_web 8080/tcp'));
    expect(all.indexOf('shop_web 8080/tcp')).toBeLessThan(all.indexOf('shop_web 30000/udp'));
    expect(explain(input, {}).text).toBe(all);
  });

  it('says host-mode ports bypass the mesh', () => {
    const { text, found } = explain(input, { service: 'db' });
    expect(found).toBe(true);
    expect(text).toContain('host mode: no routing mesh');
    expect(text).not.toContain('.rules:');
  });

  it('reports no match with the ports there are', () => {
    const { text, found } = explain(input, { service: 'web', port: 9999 });
    expect(found).toBe(false);
    expect(text).toBe('no published port matches service web port 9999\npublished ports:\n  db 5432/tcp (host)\n  web 8080/tcp (ingress)\n  web 30000/udp (ingress)\n');
  });

  it('cites only what the renderer recorded: a copied or missing file gets no line', () => {
    // A copy of a file object (or a file edited after rendering) has no record: explain does not guess from its text.
    const copied = input.files.map((f) => (f.path === 'node2/host.rules' ? { ...f } : f));
    const text = squash(explain({ ...input, files: copied }, { port: 8080 }).text);
    expect(text).toContain('node2/host.rules:? nat -A MESHC-INGRESS');
    expect(text).toContain('node1/host.rules:8 nat -A MESHC-INGRESS');
    const withoutTask = input.files.filter((f) => f.path !== 'node2/tasks/shop_web.2.rules');
    expect(explain({ ...input, files: withoutTask }, { port: 8080 }).text).toContain('node2/tasks/shop_web.2.rules:?');
  });
});
