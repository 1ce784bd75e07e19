import { it } from 'vitest';
import { cpSync } from 'node:fs';
import { bootVm, scenarioDir, writeVariant } from './harness.js';
import { seed } from './plans.js';
it('prof', async () => {
  const dir = scenarioDir([]);
  cpSync('/work/main/.cache/dev/prof.sh', dir + '/prof.sh');
  const fs = await import('node:fs');
  fs.writeFileSync(dir + '/main.sh', '#!/bin/bash\nbash /scenario/prof.sh\nsource /scenario/lib.sh; kill_all\n');
  await writeVariant(dir, 'seed', seed());
  const vm = bootVm(dir);
  console.log(vm.raw);
});
