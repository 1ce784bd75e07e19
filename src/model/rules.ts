/**
 * RuleSets: the emitters' product, as data. Rendering prints them; tests check them
 * mechanically (every jump targets a declared chain, every mark has one IPVS service).
 *
 * meshc owns a fixed set of chains per namespace (prefix MESHC-, ≤ 28 characters).
 * A rules file declares them (`:MESHC-X - [0:0]`), so `iptables-restore --noflush`
 * empties and refills them on every apply: re-applying is idempotent. The jumps from
 * built-in chains (hooks) are NOT in the file, because --noflush would append them
 * again on each apply; the runner inserts each hook only when `iptables -C` says it
 * is missing, and deletes it on --down.
 */
export type TableName = 'nat' | 'filter' | 'mangle';

export interface Rule {
  /** iptables arguments after `-A <chain>`, one token each, never containing whitespace or quotes. */
  readonly args: readonly string[];
  /** Human text for `-m comment --comment` (stack/service/port); quoted by the renderer. */
  readonly comment: string;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export interface Table {
  readonly name: TableName;
  readonly chains: readonly Chain[];
}

/** `-t <table> -I <builtin> <position> <match...> -j <target>`, inserted when missing. */
export interface Hook {
  readonly table: TableName;
  readonly builtin: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
  readonly match: readonly string[];
  readonly target: string;
}

export interface Ruleset {
  readonly tables: readonly Table[];
  readonly hooks: readonly Hook[];
}

export interface IpvsReal {
  readonly ip: string;
  readonly weight: number;
  /** Task name, for comments in reports (never written into ipvs.rules: ipvsadm has no comments). */
  readonly task: string;
}

export interface IpvsService {
  readonly fwmark: number;
  readonly scheduler: 'rr';
  readonly service: string;
  readonly reals: readonly IpvsReal[];
}

export interface TaskRules {
  readonly task: string;
  readonly service: string;
  readonly ip: string;
  readonly rules: Ruleset;
}

export interface NodeRuleSet {
  readonly node: string;
  readonly host: Ruleset;
  readonly ingress: Ruleset;
  readonly ipvs: readonly IpvsService[];
  /** Tasks placed on this node that have ingress ports, sorted by task name. */
  readonly tasks: readonly TaskRules[];
}

export interface RuleSets {
  readonly nodes: readonly NodeRuleSet[];
}

export interface OutputFile {
  /** Relative to the output directory, '/'-separated, validated to stay inside it. */
  readonly path: string;
  readonly content: string;
  readonly mode: 0o644 | 0o755;
}
