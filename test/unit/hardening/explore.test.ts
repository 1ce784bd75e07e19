import { it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { runMem, crashText } from './harness.js';
import { mutationArb, stackFixtures } from './mutations.js';
it('explore', async () => {
  const fixtures = stackFixtures();
  let n = 0;
  for (const [i, muts] of fc.sample(fc.tuple(fc.nat(fixtures.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 6 })), 20000)) {
    const bytes = muts.reduce((b, m) => m(b), fixtures[i]!);
    writeFileSync('/tmp/h7explore/cur.yml', bytes);
    const t = Date.now();
    const r = await runMem(['compile', 'stack.yml', '--format', 'json'], { 'stack.yml': bytes });
    const ms = Date.now() - t;
    if (ms > 2000 || crashText(r.stderr) || ![0, 1].includes(r.code)) { n++; writeFileSync(`/tmp/h7explore/bad-${n}.yml`, bytes); writeFileSync(`/tmp/h7explore/bad-${n}.txt`, `${ms} ms code ${r.code}\n${r.stderr.slice(0, 3000)}`); }
  }
}, 3_000_000);
