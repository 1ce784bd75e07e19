import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { judge } from './verdict.js';
import { SLOTS, hostileStrings } from './hostile.js';
it('explore', async () => {
  const rows: string[] = [];
  for (const slot of SLOTS.filter((s) => s.name.startsWith('lock'))) for (const h of hostileStrings('/tmp/CANARY')) {
    const v = await judge(slot, h);
    rows.push(`${slot.name}\t${JSON.stringify(h).slice(0, 40)}\t${v.code}\t${v.errors.join(',')}\t${v.problems.join(' | ').slice(0, 300)}`);
  }
  writeFileSync('/tmp/h7explore/lock.tsv', rows.join('\n'));
}, 300_000);
