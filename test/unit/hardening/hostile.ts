/**
 * Hostile strings (fixtures/hostile/strings.json) and the places ("slots") a user can put
 * them. Each slot builds a whole input (stack, inventory, flags, environment, lock file)
 * around one string; the stack and the
 * inventory are JSON, which YAML 1.2 reads as is, so any string (NUL, newlines, quotes)
 * reaches meshc exactly as written. Shared by the unit suite (verdicts, bash -n,
 * shellcheck) and the kernel suite (iptables-restore, running the runner).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultStackName } from '../../../src/pipeline.js';
import { lockPathFor } from '../../../src/driver/lock-file.js';

/** The strings of fixtures/hostile/strings.json; those with shell syntax would create `canary` if a shell ran them. */
export function hostileStrings(canary: string): readonly string[] {
  const file = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'hostile', 'strings.json');
  const { strings } = JSON.parse(readFileSync(file, 'utf8')) as { strings: string[] };
  return strings.map((s) =>
    s.replace(/^@REPEAT (.) (\d+)@$/, (_m, c: string, n: string) => c.repeat(Number(n))).replaceAll('@CANARY@', canary),
  );
}

export interface SlotInput {
  readonly stack: string;
  readonly inventory?: string;
  readonly argv?: readonly string[];
  readonly env?: Record<string, string>;
  /** The stack file's name, when the slot is the name itself. */
  readonly stackFile?: string;
  /** The lock file next to the stack (meshc reads it back: it is input too). */
  readonly lock?: string;
}

export interface Slot {
  readonly name: string;
  /** Diagnostics for this slot have a position (false: a command-line flag). */
  readonly positioned: boolean;
  build(h: string): SlotInput;
  /** What meshc sees of `h`, when it is not `h` itself (a file name becomes its base name). */
  seen?(h: string): string;
}

type Json = Record<string, unknown>;
const yaml = (doc: Json): string => JSON.stringify(doc, null, 2) + '\n';
const svc = (extra: Json = {}): Json => ({ image: 'nginx', ports: ['8080:80'], ...extra });
const stack = (services: Json, extra: Json = {}): string => yaml({ version: '3.8', services, ...extra });
const node = (extra: Json = {}): Json => ({ name: 'node1', address: '192.168.56.11', role: 'manager', ...extra });
const inventory = (nodes: Json[], extra: Json = {}): string => yaml({ nodes, ...extra });
const ansible = (host: string, vars: Json): string => yaml({ _meta: { hostvars: { [host]: vars } }, all: { children: ['ungrouped'] }, ungrouped: { hosts: [host] } });
const lock = (ips: Json, fwmarks: Json = { web: 256 }): string =>
  yaml({ version: 1, ports: {}, fwmarks, ips: { nodes: { local: '10.0.0.2' }, vips: { web: '10.0.0.3' }, tasks: { 'stack_web.1': '10.0.0.4' }, ...ips } });
const health = (test: unknown): Json => ({ healthcheck: { test, interval: '5s' } });

export const SLOTS: readonly Slot[] = [
  { name: 'service name', positioned: true, build: (h) => ({ stack: stack({ [h]: svc() }) }) },
  { name: 'network name', positioned: true, build: (h) => ({ stack: stack({ web: svc({ networks: [h] }) }, { networks: { [h]: {} } }) }) },
  { name: 'stack name (--stack)', positioned: false, build: (h) => ({ stack: stack({ web: svc() }), argv: ['--stack', h] }) },
  {
    name: 'stack file name',
    positioned: false,
    build: (h) => ({ stack: stack({ web: svc() }), stackFile: `${h}.yml` }),
    seen: (h) => defaultStackName(`${h}.yml`),
  },
  { name: 'node name', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: inventory([node({ name: h })]) }) },
  {
    name: 'node label value + constraint',
    positioned: true,
    build: (h) => ({
      stack: stack({ web: svc({ deploy: { placement: { constraints: [`node.labels.zone == ${h}`] } } }) }),
      inventory: inventory([node({ labels: { zone: h } })]),
    }),
  },
  { name: 'node label key', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: inventory([node({ labels: { [h]: 'x' } })]) }) },
  { name: 'constraint', positioned: true, build: (h) => ({ stack: stack({ web: svc({ deploy: { placement: { constraints: [h] } } }) }) }) },
  { name: 'deploy label', positioned: true, build: (h) => ({ stack: stack({ web: svc({ deploy: { labels: { [h]: h } } }) }) }) },
  { name: 'image', positioned: true, build: (h) => ({ stack: stack({ web: svc({ image: h }) }) }) },
  { name: 'port (short)', positioned: true, build: (h) => ({ stack: stack({ web: svc({ ports: [h] }) }) }) },
  { name: 'port (long published)', positioned: true, build: (h) => ({ stack: stack({ web: svc({ ports: [{ target: 80, published: h }] }) }) }) },
  { name: 'port (long protocol)', positioned: true, build: (h) => ({ stack: stack({ web: svc({ ports: [{ target: 80, published: 8080, protocol: h }] }) }) }) },
  { name: 'env into image', positioned: true, build: (h) => ({ stack: stack({ web: svc({ image: 'nginx:${TAG}' }) }), env: { TAG: h } }) },
  { name: 'env into port', positioned: true, build: (h) => ({ stack: stack({ web: svc({ ports: ['${P}:80'] }) }), env: { P: h } }) },
  { name: 'env into hostname', positioned: true, build: (h) => ({ stack: stack({ web: svc({ hostname: '${H}' }) }), env: { H: h } }) },
  { name: 'ansible host name', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: ansible(h, { ansible_host: '192.168.56.11' }) }) },
  { name: 'ansible_host var', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: ansible('node1', { ansible_host: h }) }) },
  { name: 'ansible meshc_name var', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: ansible('node1', { ansible_host: '192.168.56.11', meshc_name: h }) }) },
  { name: 'ansible meshc_labels var', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: ansible('node1', { ansible_host: '192.168.56.11', meshc_labels: { zone: h } }) }) },
  { name: 'inventory host_bridge', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), inventory: inventory([node()], { network: { host_bridge: h } }) }) },
  { name: 'x-meshc health http path', positioned: true, build: (h) => ({ stack: stack({ web: svc({ 'x-meshc': { health: { http: { path: `/${h}` } } } }) }) }) },
  { name: 'x-meshc ingress_subnet', positioned: true, build: (h) => ({ stack: stack({ web: svc() }, { 'x-meshc': { ingress_subnet: h } }) }) },
  { name: 'lock task address', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), lock: lock({ tasks: { 'stack_web.1': h } }) }) },
  { name: 'lock node address', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), lock: lock({ nodes: { local: h } }) }) },
  { name: 'lock service key', positioned: true, build: (h) => ({ stack: stack({ web: svc() }), lock: lock({}, { [h]: 300 }) }) },
  { name: 'healthcheck CMD argument', positioned: true, build: (h) => ({ stack: stack({ web: svc(health(['CMD', 'check', h])) }) }) },
];

/** The slot's input as files and argv for `meshc compile --format json` (tree and diagnostics on stdout). */
export function slotFiles(input: SlotInput): { files: Record<string, string>; argv: string[] } {
  const stackFile = input.stackFile ?? 'stack.yml';
  const files: Record<string, string> = { [stackFile]: input.stack };
  if (input.lock !== undefined) files[lockPathFor(stackFile)] = input.lock;
  const argv = ['compile', stackFile, '--format', 'json', ...(input.argv ?? [])];
  if (input.inventory !== undefined) {
    files['inventory.yml'] = input.inventory;
    argv.push('-i', 'inventory.yml');
  }
  return { files, argv };
}
