/**
 * NormalizedStack: the front end's product and the planner's input. One canonical
 * shape per attribute (short and long port syntax collapse into PortSpec), every
 * list sorted deterministically, every item carrying the location it came from so
 * later stages can point at the offending key.
 */
import type { SourceLoc } from '../diagnostics/types.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type PublishMode = 'ingress' | 'host';

export interface PortSpec {
  readonly target: number;
  /** 0 = dynamic (allocated by the planner from the dynamic range; host mode: picked by the node). */
  readonly published: number;
  readonly protocol: Protocol;
  readonly mode: PublishMode;
  readonly loc: SourceLoc;
}

/** `node.labels.zone == east` → { key: 'node.labels.zone', op: '==', value: 'east' } */
export interface Constraint {
  readonly key: string;
  readonly op: '==' | '!=';
  readonly value: string;
  readonly raw: string;
  readonly loc: SourceLoc;
}

export interface Placement {
  readonly constraints: readonly Constraint[];
  /** `spread: node.labels.zone` → 'node.labels.zone' */
  readonly spread: readonly { readonly descriptor: string; readonly loc: SourceLoc }[];
  readonly maxReplicasPerNode?: number;
}

/** Durations in milliseconds. */
export interface Healthcheck {
  readonly test: readonly string[]; // ['CMD', ...] | ['CMD-SHELL', '...'] | ['NONE']
  readonly intervalMs: number; // default 30s
  readonly timeoutMs: number; // default 30s
  readonly retries: number; // default 3
  readonly startPeriodMs: number; // default 0
  readonly disable: boolean;
  readonly loc: SourceLoc;
}

/** `x-meshc.health` on a service: a check meshc can run from outside the container. */
export type MeshcProbe =
  | { readonly kind: 'tcp'; readonly port?: number }
  | { readonly kind: 'http'; readonly port?: number; readonly path: string; readonly status: number };

export interface Service {
  /** Name as written in the file (`ngx`); Swarm's name is `<stack>_<name>`. */
  readonly name: string;
  readonly image: string;
  readonly mode: 'replicated' | 'global';
  /** Replicated: replica count (default 1). Global: undefined. */
  readonly replicas?: number;
  readonly endpointMode: 'vip' | 'dnsrr';
  /** Sorted as Swarm sorts them: published, target, protocol, mode. */
  readonly ports: readonly PortSpec[];
  readonly placement: Placement;
  readonly healthcheck?: Healthcheck;
  readonly probe?: MeshcProbe & { readonly loc: SourceLoc };
  /** `x-meshc: {client_ip: preserve}`: the tasks see the client's address (docs/client-ip.md). */
  readonly clientIp?: { readonly mode: 'preserve'; readonly loc: SourceLoc };
  readonly loc: SourceLoc;
}

/** Network settings that may come from `x-meshc` at the stack's top level. Unset = default. */
export interface StackSettings {
  readonly ingressSubnet?: string;
  readonly gatewaySubnet?: string;
  readonly vni?: number;
  readonly vxlanPort?: number;
  readonly fwmarkBase?: number;
  readonly dynamicPortRange?: readonly [number, number];
  readonly dataplane?: 'ipvs' | 'nftables';
  readonly loc?: SourceLoc;
}

export interface NormalizedStack {
  /** Stack name (`--stack`, default: the first file's base name without extension). */
  readonly name: string;
  readonly files: readonly string[];
  /** Sorted by name. */
  readonly services: readonly Service[];
  readonly settings: StackSettings;
}
