import { it } from 'vitest';
import fc from 'fast-check';
import { runMem } from './harness.js';
import { stackArb, stackText, inventoryArb, inventoryText } from './arbitraries.js';
it('explore', async () => {
  const counts = new Map<string, number>();
  for (const [s, inv] of fc.sample(fc.tuple(stackArb, inventoryArb), 200)) {
    const files: Record<string, string> = { 'stack.yml': stackText(s) };
    const argv = ['compile', 'stack.yml', '--format', 'json', '--diagnostics', 'json'];
    const t = inventoryText(inv); if (t) { files['i.json'] = t; argv.push('-i', 'i.json'); }
    const r = await runMem(argv, files);
    const codes = r.code === 0 ? ['OK'] : [...new Set((JSON.parse(r.stderr).diagnostics as {code:string;severity:string}[]).filter(d=>d.severity==='error').map(d=>d.code))];
    for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  console.log([...counts].sort((a,b)=>b[1]-a[1]));
}, 300_000);
