/**
 * Parity with Docker Swarm's own rules (reference/swarm-mesh-facts.md §1.2–1.4, libnetwork
 * service_linux.go), for the seed service `ngx` 8888:80 with fwmark 256, VIP 10.0.0.9 and
 * a task at 10.0.0.10. Swarm's rules are written here as Swarm issues them; meshc's are
 * compared after removing the comment and mapping its chains onto the built-in chains
 * Swarm appends to. The one intended difference, the host filter rules, is spelled out.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import type { Ruleset } from '../model/rules.js';
import { seedPlan } from '../../test/kernel/sample-plans.js';
import { emitRuleSets } from './emit-rule-sets.js';

const SWARM_CHAIN: Record<string, string> = {
  'MESHC-INGRESS': 'DOCKER-INGRESS',
  'MESHC-MARK': 'PREROUTING',
  'MESHC-VIP': 'INPUT',
  'MESHC-SNAT': 'POSTROUTING',
  'MESHC-REDIRECT': 'PREROUTING',
  'MESHC-TASK-INPUT': 'INPUT',
  'MESHC-TASK-OUTPUT': 'OUTPUT',
};

/** `-t <table> -A <swarm chain> <args>` with the explicit `-m <proto>` dropped, as Swarm writes its rules. */
function asSwarm(rs: Ruleset, tables: readonly string[]): string[] {
  return rs.tables
    .filter((t) => tables.includes(t.name))
    .flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => `-t ${t.name} -A ${SWARM_CHAIN[c.name] ?? c.name} ${r.args.join(' ').replace(/ -m (tcp|udp|sctp) /, ' ')}`)))
    .sort();
}

describe('meshc rules match what Swarm programs', () => {
  const node = emitRuleSets(seedPlan(1), new DiagnosticSink()).nodes[0]!;

  it('host nat: the same DNAT to the sandbox, keeping the published port', () => {
    expect(asSwarm(node.host, ['nat']).filter((l) => l.includes('DOCKER-INGRESS'))).toEqual([
      '-t nat -A DOCKER-INGRESS -p tcp --dport 8888 -j DNAT --to-destination 172.18.0.2:8888',
    ]);
  });

  it('ingress sandbox: the same port mark, VIP mark and IPVS SNAT', () => {
    expect(asSwarm(node.ingress, ['mangle', 'nat'])).toEqual([
      '-t mangle -A INPUT -d 10.0.0.9/32 -j MARK --set-mark 256',
      '-t mangle -A PREROUTING -p tcp --dport 8888 -j MARK --set-mark 256',
      // Swarm: -m ipvs --ipvs -d <subnet>; the same match, printed in iptables' canonical order.
      '-t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2',
    ]);
  });

  it('task: the same REDIRECT, ACCEPTs and DROPs (Swarm: 3P+6 rules)', () => {
    const task = node.tasks[0]!;
    expect(asSwarm(task.rules, ['nat', 'filter'])).toEqual(
      [
        '-t nat -A PREROUTING -d 10.0.0.10/32 -p tcp --dport 8888 -j REDIRECT --to-ports 80',
        '-t filter -A INPUT -d 10.0.0.10/32 -p tcp --dport 80 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT',
        '-t filter -A OUTPUT -s 10.0.0.10/32 -p tcp --sport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT',
        ...['sctp', 'udp', 'tcp'].flatMap((p) => [`-t filter -A INPUT -d 10.0.0.10/32 -p ${p} -j DROP`, `-t filter -A OUTPUT -s 10.0.0.10/32 -p ${p} -j DROP`]),
      ].sort(),
    );
  });

  it('host filter: the intended difference — two rules in all instead of two per port', () => {
    const swarmPerPort = ['-p tcp --dport 8888 -j ACCEPT', '-p tcp --sport 8888 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'];
    const meshc = asSwarm(node.host, ['filter']);
    expect(meshc).toHaveLength(2);
    expect(meshc.some((l) => swarmPerPort.some((s) => l.endsWith(s)))).toBe(false);
    expect(meshc.every((l) => l.includes('172.18.0.2/32') && l.includes('--ctstate'))).toBe(true);
  });
});
