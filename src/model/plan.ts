/**
 * Plan: the planner's product, the single input of every emitter. Everything here
 * is the same on every node (fwmarks, addresses, ports), deterministic, and sorted:
 * nodes by name, services by name, tasks by name.
 */
import type { Protocol, PublishMode } from './stack.js';

export interface NetworkSettings {
  /** Ingress network, Swarm's default 10.0.0.0/24 (gateway .1 is never handed out). */
  readonly ingressSubnet: string;
  /** Host-side bridge network (Docker's docker_gwbridge, default 172.18.0.0/16). */
  readonly gatewaySubnet: string;
  /** Host bridge name (≤ 15 characters). */
  readonly hostBridge: string;
  /** Host's address on the host-side bridge (default 172.18.0.1). */
  readonly hostBridgeIp: string;
  /** The ingress sandbox's address on the host-side bridge: the DNAT target (default 172.18.0.2). */
  readonly sandboxGatewayIp: string;
  readonly vni: number;
  readonly vxlanPort: number;
  readonly fwmarkBase: number;
  readonly dynamicPortRange: readonly [number, number];
  /** Which kernel machinery carries the mesh: iptables + IPVS (Swarm's design, the default) or nftables alone. */
  readonly dataplane: Dataplane;
}

export type Dataplane = 'ipvs' | 'nftables';

export interface PlanNode {
  readonly name: string;
  /** Underlay address (VXLAN peers). */
  readonly address: string;
  readonly role: 'manager' | 'worker';
  readonly labels: Readonly<Record<string, string>>;
  /** The node's ingress sandbox address on the ingress network (SNAT source). */
  readonly ingressIp: string;
}

export interface PlanPort {
  readonly published: number;
  readonly target: number;
  readonly protocol: Protocol;
  readonly mode: PublishMode;
  /** True when `published` was allocated by meshc (from the dynamic range). */
  readonly dynamic: boolean;
}

export interface PlanTask {
  /** Swarm's task name: `<stack>_<service>.<slot>` (replicated) or `<stack>_<service>.<node>` (global). */
  readonly name: string;
  readonly slot: number | null;
  readonly node: string;
  /** Task's address on the ingress network (present when the service has ingress ports). */
  readonly ip: string | null;
}

export interface PlanService {
  readonly name: string;
  /** `<stack>_<name>` */
  readonly fullName: string;
  /** The service's stack, in a cluster's plan (one stack's plan names its stack once, in `stack`). */
  readonly stack?: string;
  /** null when the service has no ingress ports (nothing to mark). */
  readonly fwmark: number | null;
  /** Service VIP on the ingress network; null when it has no ingress ports. */
  readonly vip: string | null;
  readonly endpointMode: 'vip' | 'dnsrr';
  readonly ports: readonly PlanPort[];
  readonly tasks: readonly PlanTask[];
  /** Health probe for the agent, resolved from healthcheck / x-meshc (null: in LB as soon as it exists). */
  readonly health: PlanHealth | null;
  /** `preserve`: no SNAT in the sandbox, replies routed back by node (docs/client-ip.md); absent: Swarm's SNAT. */
  readonly clientIp?: 'preserve';
}

export interface PlanHealth {
  readonly kind: 'tcp' | 'http' | 'cmd';
  readonly port?: number;
  readonly path?: string;
  readonly status?: number;
  readonly command?: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

export interface Plan {
  /** The stack's name; for a cluster, the cluster's (its file's base name), each service naming its own stack. */
  readonly stack: string;
  readonly settings: NetworkSettings;
  readonly nodes: readonly PlanNode[];
  readonly services: readonly PlanService[];
}
