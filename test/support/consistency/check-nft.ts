/**
 * The consistency check for a node's nftables files (the nftables counterpart of
 * check-consistency.ts): every file well formed and replacing its table whole; the host
 * DNATs exactly the ports the sandbox dispatches; every map verdict goes to a declared
 * service chain and every service chain's round robin has as many slots as `mod N`; no
 * VIP is also a backend; every task file's address is a backend of some service.
 */
import type { Problem } from './parse-rules-file.js';
import { readNftFile, splitElement, type ReadNftFile } from '../../../src/rules-format/nft.js';

export function checkNftNode(node: string, kinds: ReadonlyMap<string, string>, problems: Problem[]): void {
  const path = (kind: string): string => `${node}/${kind}`;
  for (const kind of ['host.nft', 'ingress.nft']) {
    if (!kinds.has(kind)) problems.push({ file: path(kind), line: 0, message: `node ${node} has no ${kind}` });
  }
  const host = readNftFile(path('host.nft'), kinds.get('host.nft') ?? '', problems);
  const sbox = readNftFile(path('ingress.nft'), kinds.get('ingress.nft') ?? '', problems);
  const report = (file: string, line: number, message: string): void => void problems.push({ file: path(file), line, message });
  const published = new Set(host.sets.get('published')?.elements ?? []);
  const dispatched = new Map((sbox.sets.get('ports')?.elements ?? []).map(splitElement));
  for (const p of published) if (!dispatched.has(p)) report('host.nft', host.sets.get('published')?.line ?? 0, `port ${p} is DNATed to the sandbox, which does not dispatch it`);
  for (const p of dispatched.keys()) if (!published.has(p)) report('ingress.nft', sbox.sets.get('ports')?.line ?? 0, `port ${p} is dispatched in the sandbox but the host never DNATs it`);
  const backends = checkServiceChains(sbox, (line, message) => report('ingress.nft', line, message));
  for (const [vip] of (sbox.sets.get('vips')?.elements ?? []).map(splitElement)) {
    if (backends.has(vip)) report('ingress.nft', sbox.sets.get('vips')?.line ?? 0, `VIP ${vip} is also a backend's address`);
  }
  for (const [kind, text] of kinds) {
    if (!kind.startsWith('tasks/')) continue;
    const task = readNftFile(path(kind), text, problems);
    const ips = new Set([...(task.chains.get('prerouting')?.rules ?? [])].map((r) => /^ip daddr (\S+) /.exec(r.text)?.[1] ?? ''));
    if (ips.size > 1) report(kind, 0, `REDIRECT rules address several IPs: ${[...ips].join(', ')}`);
    for (const ip of ips) if (!backends.has(ip)) report(kind, 0, `task address ${ip} is not a backend of any service chain`);
  }
}

/** Checks the map verdicts and round robins; returns every backend address. */
function checkServiceChains(sbox: ReadNftFile, report: (line: number, message: string) => void): Set<string> {
  const backends = new Set<string>();
  for (const name of ['ports', 'vips']) {
    for (const e of sbox.sets.get(name)?.elements ?? []) {
      const target = /^goto (\w+)$/.exec(splitElement(e)[1])?.[1];
      if (!target || !sbox.chains.has(target)) report(sbox.sets.get(name)?.line ?? 0, `${name} element "${e}" goes to no declared chain`);
    }
  }
  for (const [name, chain] of sbox.chains) {
    if (!name.startsWith('svc_')) continue;
    for (const r of chain.rules) {
      const m = /^dnat ip to numgen inc mod (\d+) map \{ (.*) \}$/.exec(r.text);
      if (!m) {
        report(r.line, `chain ${name}: not a round-robin DNAT: ${r.text}`);
        continue;
      }
      const slots = (m[2] ?? '').split(', ').map(splitElement);
      const expected = slots.map((_, i) => String(i));
      if (Number(m[1]) !== slots.length || slots.some(([k], i) => k !== expected[i])) report(r.line, `chain ${name}: mod ${m[1]} but slots ${slots.map(([k]) => k).join(',')}`);
      for (const [, ip] of slots) backends.add(ip);
    }
  }
  return backends;
}
