/**
 * The fixed chain set of each namespace kind and the hooks that jump into them. Every
 * file of a kind declares the same chains whatever the plan holds, so re-applying a
 * file with `iptables-restore --noflush` empties and refills them and a removed
 * service leaves nothing behind. Hooks are data: the runner inserts each one at
 * position 1 only when `iptables -C` says it is missing (--noflush would append a
 * hook written into the file again on every apply).
 */
import type { Hook, TableName } from '../model/rules.js';

export const HOST = { ingress: 'MESHC-INGRESS', postrouting: 'MESHC-POSTROUTING', forward: 'MESHC-FORWARD' } as const;
export const SANDBOX = { mark: 'MESHC-MARK', vip: 'MESHC-VIP', snat: 'MESHC-SNAT' } as const;
export const TASK = { redirect: 'MESHC-REDIRECT', input: 'MESHC-TASK-INPUT', output: 'MESHC-TASK-OUTPUT' } as const;

/** Tables in the order every rules file prints them. */
export const TABLE_ORDER: readonly TableName[] = ['mangle', 'nat', 'filter'];

// Like Docker's DOCKER-INGRESS jumps: every local address, loopback included (no `! -d 127.0.0.0/8`).
const LOCAL_DST = ['-m', 'addrtype', '--dst-type', 'LOCAL'] as const;

export const HOST_HOOKS: readonly Hook[] = [
  { table: 'nat', builtin: 'PREROUTING', match: LOCAL_DST, target: HOST.ingress },
  { table: 'nat', builtin: 'OUTPUT', match: LOCAL_DST, target: HOST.ingress },
  { table: 'nat', builtin: 'POSTROUTING', match: [], target: HOST.postrouting },
  { table: 'filter', builtin: 'FORWARD', match: [], target: HOST.forward },
];

export const SANDBOX_HOOKS: readonly Hook[] = [
  { table: 'mangle', builtin: 'PREROUTING', match: [], target: SANDBOX.mark },
  { table: 'mangle', builtin: 'INPUT', match: [], target: SANDBOX.vip },
  { table: 'nat', builtin: 'POSTROUTING', match: [], target: SANDBOX.snat },
];

export const TASK_HOOKS: readonly Hook[] = [
  { table: 'nat', builtin: 'PREROUTING', match: [], target: TASK.redirect },
  { table: 'filter', builtin: 'INPUT', match: [], target: TASK.input },
  { table: 'filter', builtin: 'OUTPUT', match: [], target: TASK.output },
];

/** The hook as the iptables command that inserts it (without the `iptables` word). */
export function hookCommand(hook: Hook): string {
  return ['-t', hook.table, '-I', hook.builtin, '1', ...hook.match, '-j', hook.target].join(' ');
}
