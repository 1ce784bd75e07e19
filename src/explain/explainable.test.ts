import { describe, expect, it } from 'vitest';
import { explainableLines, explainables, targetPortHints } from './explainable.js';
import { samplePlan } from './testing/sample.js';

describe('what explain can show', () => {
  it('lists every published port with the selector that explains it and its target', () => {
    const listing = explainables(samplePlan);
    expect(listing.split('\n')[0]).toBe('published ports (explain one: meshc explain FILE SERVICE:PORT[/PROTO]):');
    const ports = samplePlan.services.flatMap((s) => s.ports.map((p) => ({ s, p })));
    expect(ports.length).toBeGreaterThan(1);
    for (const { s, p } of ports) expect(listing).toMatch(new RegExp(`^  ${s.name}:${p.published}/${p.protocol} +→ ${s.fullName} target ${p.target} `, 'm'));
    expect(explainableLines(samplePlan)).toHaveLength(ports.length);
  });

  it('points a target port at the published port that carries it', () => {
    const web = samplePlan.services.find((s) => s.ports.some((p) => p.published !== p.target && p.mode === 'ingress'))!;
    const port = web.ports.find((p) => p.published !== p.target)!;
    expect(targetPortHints(samplePlan, { service: web.name, port: port.target }, 'stack.yml')).toEqual([
      `${port.target}/${port.protocol} is the target port of ${web.fullName}; the mesh publishes it as ${port.published}: meshc explain stack.yml ${web.name}:${port.published}/${port.protocol}`,
    ]);
    expect(targetPortHints(samplePlan, { service: 'nosuch', port: port.target })).toEqual([]);
    expect(targetPortHints(samplePlan, { service: web.name })).toEqual([]);
  });
});
