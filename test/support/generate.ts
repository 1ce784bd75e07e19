/**
 * Vitest global setup: writes the generated start-up artifacts that the sources under
 * src/ load (the Ajv validators in src/validate/generated/, the one-file yaml in
 * src/source/generated/). They are build products, not committed (docs/architecture.md):
 * `npm run build` writes them into dist/, and every test run regenerates them here from
 * schemas/ and the installed packages, so a clean clone's `npx vitest` works.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'compile-schemas.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
