/**
 * Tests that need a tool on PATH: skip with the reason in the test's name (so every
 * reporter prints it) when the tool is absent; run, and fail on a failed check, when present.
 */
import { spawnSync } from 'node:child_process';

/** True when `tool` is on PATH (looked up by the shell, as the generated scripts would). */
export function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0;
}

/** Why a test that needs `tools` cannot run here, or null when every one is on PATH. */
export function toolSkipReason(...tools: readonly string[]): string | null {
  const missing = tools.filter((t) => !hasTool(t));
  return missing.length === 0 ? null : `skipped: needs ${missing.join(', ')} on PATH`;
}

/** A test title that carries the skip reason, e.g. `passes shellcheck (skipped: needs shellcheck on PATH)`. */
export function titled(title: string, reason: string | null): string {
  return reason === null ? title : `${title} (${reason})`;
}
