/**
 * The guest checks of scenario 3 (s3-lifecycle.sh) that both dataplanes report under the
 * same names, grouped as the lifecycle describes assert them (test/vm/mesh.test.ts on
 * iptables + IPVS, test/vm/nftables-lifecycle.test.ts on nftables).
 */
export const LIFECYCLE_CHECKS = {
  /** Re-apply leaves every dump identical; --check and --dry-run report nothing. */
  reapply: ['life.reapply-identical', 'life.check', 'life.dry-run', 'life.dry-run-silent'],
  /** Adding a service, scaling up and down: each applied, the former tasks clean, round robin over the new tasks. */
  change: [
    'life.add.check-detects',
    ...['add', 'scale-up', 'scale-down'].flatMap((step) => [`life.${step}.apply`, `life.${step}.former-tasks-clean`]),
    'life.scale-up.rr.ngx.tcp.8888',
    'life.scale-up.rr.ngx.udp.8888',
    'life.scale-down.rr.ngx.tcp.8888',
    'life.add.rr.api.tcp.9000',
  ],
  /** Removing a service: its rules go and its port closes. */
  remove: ['life.remove.apply', 'life.remove.gone', 'life.remove.tcp-closed', 'life.remove.udp-closed', 'life.remove.reapply'],
  /** Foreign objects untouched after every step. */
  foreign: ['life.foreign.applied', ...['add', 'scale-up', 'scale-down', 'remove'].map((s) => `life.${s}.foreign`)],
  /** --down restores the state before meshc; a second --down exits 0. */
  down: ['life.down', 'life.down-restores', 'life.down-keeps-foreign-sandbox', 'life.down-sandbox-clean', 'life.down-again'],
} as const;
