import { it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMem } from './harness.js';
import { ROOT } from './private-build.js';
function walk(dir: string): string[] { return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)])); }
it('explore', async () => {
  const fixtures = [join(ROOT, 'fixtures', 'compile'), join(ROOT, 'fixtures', 'differential'), join(ROOT, 'fixtures', 'errors')].flatMap(walk).filter((f) => /\.ya?ml$/.test(f) && !f.includes('inventory')).sort();
  for (const f of fixtures) {
    writeFileSync('/tmp/h7explore/current', f);
    const t = Date.now();
    const r = await runMem(['compile', 'stack.yml', '--format', 'json'], { 'stack.yml': readFileSync(f) });
    const ms = Date.now() - t;
    if (ms > 1000) writeFileSync('/tmp/h7explore/slow', `${f} ${ms}\n`, { flag: 'a' });
  }
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.from(fc.sample(fc.uint8Array({ maxLength: 2048 }), { numRuns: 1, seed: i })[0]!);
    writeFileSync('/tmp/h7explore/current', bytes);
    const t = Date.now();
    await runMem(['compile', 'stack.yml', '--format', 'json'], { 'stack.yml': bytes });
    const ms = Date.now() - t;
    if (ms > 1000) writeFileSync('/tmp/h7explore/slow', `random seed ${i} ${ms}\n`, { flag: 'a' });
  }
}, 600_000);
