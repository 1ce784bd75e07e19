/**
 * The nftables dataplane's rules as data (docs/dataplanes.md). One table per namespace
 * kind, each replaced whole in one `nft -f` transaction. What grows with the stack is
 * set and map elements; the rules themselves are a fixed set per namespace kind, plus
 * one rule per service in the ingress sandbox (its round-robin pick).
 */
export type NftFamily = 'inet';

/** A named set (`value` absent on every element) or map. */
export interface NftSet {
  readonly kind: 'set' | 'map';
  readonly name: string;
  /** nft type expression: `inet_proto . inet_service`, `ipv4_addr : verdict`, … */
  readonly type: string;
  readonly elements: readonly NftElement[];
}

export interface NftElement {
  /** Key parts, printed joined by ` . ` (a concatenation). */
  readonly key: readonly string[];
  /** Map value (`goto svc_256`, `80`); absent in a set. */
  readonly value?: string;
}

export interface NftBaseHook {
  /** `route`: a mark set in output makes the kernel route the packet again (client_ip's replies). */
  readonly type: 'nat' | 'filter' | 'route';
  readonly hook: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  /** A number or a standard priority name (dstnat, srcnat, filter). */
  readonly priority: string;
}

export interface NftRule {
  /** Expression and statement words, printed joined by one space; from numbers, planned addresses and validated names only (a map literal is one word). */
  readonly tokens: readonly string[];
  /** Human text for the rule's `comment`; quoted by the renderer. */
  readonly comment: string;
}

export interface NftChain {
  readonly name: string;
  /** Present on a base chain (registered at a netfilter hook). */
  readonly base?: NftBaseHook;
  readonly comment?: string;
  readonly rules: readonly NftRule[];
}

export interface NftTable {
  readonly family: NftFamily;
  readonly name: string;
  readonly comment: string;
  readonly sets: readonly NftSet[];
  readonly chains: readonly NftChain[];
}

/** One service's backends in the sandbox: what the health agent edits. */
export interface NftBackendPick {
  readonly service: string;
  readonly chain: string;
  /** Task addresses in slot order (the numgen value picks the index). */
  readonly backends: readonly { readonly ip: string; readonly task: string }[];
  readonly protocols: readonly string[];
}

export interface NftTaskTable {
  readonly task: string;
  readonly service: string;
  readonly ip: string;
  readonly table: NftTable;
}

export interface NftNodeRuleSet {
  readonly node: string;
  readonly host: NftTable;
  readonly ingress: NftTable;
  readonly picks: readonly NftBackendPick[];
  /** Tasks placed on this node that have ingress ports, sorted by task name. */
  readonly tasks: readonly NftTaskTable[];
}

export interface NftRuleSets {
  readonly nodes: readonly NftNodeRuleSet[];
}

/** Table names: one per namespace kind, so `--down` and the diff each name exactly one table. */
export const NFT_TABLE = { host: 'meshc_host', ingress: 'meshc_ingress', task: 'meshc_task' } as const;
