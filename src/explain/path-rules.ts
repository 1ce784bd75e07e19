/**
 * Which emitted rules a packet to one published port meets: matching is on the
 * iptables arguments the emitters produced, so explain follows whatever they emit
 * instead of restating their rule shapes.
 */
import type { Hook, Ruleset, TableName } from '../model/rules.js';
import type { Protocol } from '../model/stack.js';

export interface PathRule {
  readonly table: TableName;
  readonly chain: string;
  readonly args: readonly string[];
}

/** Rules matching `-p <protocol>` and this destination or source port (also inside a --dports/--sports list). */
export function portRules(set: Ruleset, protocol: Protocol, port: number): PathRule[] {
  return rulesWhere(set, (args) => hasValue(args, ['-p', '--protocol'], (v) => v === protocol) && usesPort(args, port));
}

/** The sandbox's SNAT of IPVS-forwarded traffic (`-m ipvs --ipvs`), on every published port's path. */
export function ipvsSnatRules(set: Ruleset): PathRule[] {
  return rulesWhere(set, (args) => args.includes('--ipvs'));
}

/** Rules that match packets to or from `ip` (the host's forward accepts for the ingress sandbox), minus those in `except`. */
export function addressRules(set: Ruleset, ip: string, except: readonly PathRule[]): PathRule[] {
  const isIp = (v: string) => v === ip || v === `${ip}/32`;
  return rulesWhere(set, (args) => hasValue(args, ['-d', '--destination', '-s', '--source'], isIp)).filter(
    (r) => !except.some((e) => e.table === r.table && e.chain === r.chain && e.args === r.args),
  );
}

/** Hooks (jumps from built-in chains, inserted by apply.sh) that lead to the chains of `rules`. */
export function hooksInto(set: Ruleset, rules: readonly PathRule[]): Hook[] {
  return set.hooks.filter((h) => rules.some((r) => r.table === h.table && r.chain === h.target));
}

function rulesWhere(set: Ruleset, test: (args: readonly string[]) => boolean): PathRule[] {
  const out: PathRule[] = [];
  for (const table of set.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) if (test(rule.args)) out.push({ table: table.name, chain: chain.name, args: rule.args });
    }
  }
  return out;
}

function usesPort(args: readonly string[], port: number): boolean {
  const single = hasValue(args, ['--dport', '--sport', '--destination-port', '--source-port'], (v) => Number(v) === port);
  const list = hasValue(args, ['--dports', '--sports', '--ports'], (v) => v.split(',').some((p) => inRange(p, port)));
  return single || list;
}

function inRange(spec: string, port: number): boolean {
  const [lo, hi] = spec.split(':').map(Number);
  return hi === undefined ? lo === port : lo !== undefined && lo <= port && port <= hi;
}

function hasValue(args: readonly string[], options: readonly string[], test: (value: string) => boolean): boolean {
  return args.some((a, i) => options.includes(a) && args[i + 1] !== undefined && test(args[i + 1] as string));
}
