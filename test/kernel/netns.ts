/**
 * Helpers for the kernel suite: throw-away network namespaces (named with this
 * process id, so parallel runs by other people never collide), the two iptables
 * backends, and bounded socat servers/clients. Only namespaces created here are
 * touched; the caller deletes them in afterAll.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Backend {
  readonly name: 'legacy' | 'nft';
  readonly restore: string;
  readonly save: string;
  readonly iptables: string;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'legacy', restore: 'iptables-legacy-restore', save: 'iptables-legacy-save', iptables: 'iptables-legacy' },
  { name: 'nft', restore: 'iptables-nft-restore', save: 'iptables-nft-save', iptables: 'iptables-nft' },
];

/** Why the suite cannot run here, or null when it can (root, `ip`, both backends, socat). */
export function kernelSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'kernel tests need root (network namespaces)';
  for (const tool of ['ip', 'socat', ...BACKENDS.flatMap((b) => [b.restore, b.save, b.iptables])]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `kernel tests need ${tool} on PATH`;
  }
  return null;
}

let counter = 0;
/** A fresh namespace name, unique to this process. */
export function nsName(tag: string): string {
  counter += 1;
  return `mk${process.pid}-${tag}${counter}`;
}

export function run(cmd: string, args: readonly string[], input?: string, timeoutMs = 10_000): string {
  return execFileSync(cmd, args, { input, timeout: timeoutMs, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `argv` inside `ns`; returns stdout, throws with stderr on failure. */
export function inNs(ns: string, argv: readonly string[], input?: string, timeoutMs = 10_000): string {
  return run('ip', ['netns', 'exec', ns, ...argv], input, timeoutMs);
}

export function addNs(ns: string): void {
  run('ip', ['netns', 'add', ns]);
  inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
}

export function deleteNs(ns: string): void {
  spawnSync('ip', ['netns', 'delete', ns]);
}

/** A veth pair from `a` (interface `ifA`, address `ipA`) to `b`; addresses in CIDR form, null for none. */
export function veth(a: string, ifA: string, ipA: string | null, b: string, ifB: string, ipB: string | null): void {
  run('ip', ['-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
  for (const [ns, dev, ip] of [[a, ifA, ipA], [b, ifB, ipB]] as const) {
    if (ip) run('ip', ['-n', ns, 'addr', 'add', ip, 'dev', dev]);
    run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
  }
}

/** iptables-save output without its comment lines and counters, so two saves compare equal. */
export function save(ns: string, b: Backend): string {
  return inNs(ns, [b.save])
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/, '[0:0]'))
    .join('\n');
}

/** The file's `# hook:` lines as argv for iptables (after the binary name). */
export function hooksOf(rulesText: string): string[][] {
  return [...rulesText.matchAll(/^# hook: (.*)$/gm)].map((m) => (m[1] ?? '').split(' '));
}

/** Inserts each hook as the runner does: `-C` first, `-I … 1` only when missing. */
export function insertHooks(ns: string, b: Backend, hooks: readonly string[][]): void {
  for (const h of hooks) {
    const at = h.indexOf('-I');
    const check = [...h.slice(0, at), '-C', h[at + 1] ?? '', ...h.slice(at + 3)];
    const present = spawnSync('ip', ['netns', 'exec', ns, b.iptables, '-w', ...check]).status === 0;
    if (!present) inNs(ns, [b.iptables, '-w', ...h]);
  }
}

export function restore(ns: string, b: Backend, text: string, test = false): string {
  return inNs(ns, [b.restore, '--noflush', '--wait', ...(test ? ['--test'] : [])], text);
}

/** A socat server in `ns`; the caller kills it (by its own pid) in afterAll. */
export function serve(ns: string, address: string, reply: string): ChildProcess {
  // The server reads the request before answering: closing a socket with unread input
  // sends RST, which can discard the reply before the client reads it.
  const child = spawn('ip', ['netns', 'exec', ns, 'socat', `${address},fork,reuseaddr`, `SYSTEM:read -r line; echo ${reply}`], { stdio: 'ignore' });
  child.unref();
  return child;
}

/** One request from `ns`; resolves to the reply, or '' when nothing answers within the bound. */
export function request(ns: string, address: string, payload = 'hi'): string {
  // Generous bounds: the machine is shared, and a reply needs a fork and exec in the server.
  const r = spawnSync('ip', ['netns', 'exec', ns, 'socat', '-T', '4', '-', `${address},connect-timeout=3`], { input: `${payload}\n`, timeout: 10_000, encoding: 'utf8' });
  return (r.stdout ?? '').trim();
}

/** Polls until `probe` returns a non-empty answer (servers start asynchronously); bounded. */
export function waitFor(probe: () => string, attempts = 20): string {
  // A probe that throws (e.g. connection refused before the server listens) counts as no answer.
  for (let i = 0; i < attempts; i++) {
    let out = '';
    try {
      out = probe();
    } catch {
      out = '';
    }
    if (out !== '') return out;
    spawnSync('sleep', ['0.1']);
  }
  return '';
}

/** The reply expected from a reachable server, allowing a second attempt (a lost SYN under load is not a failure). */
export function reply(ns: string, address: string): string {
  return waitFor(() => request(ns, address), 2);
}
