/**
 * Reads an ipvs.rules file (`ipvsadm -Sn` lines) and reports what would make it wrong
 * for the sandbox: a line outside the grammar, a real server before its service or
 * listed twice, two services on one fwmark, a service without real servers, one
 * address serving two services, and lines out of (fwmark, address) order.
 */
import { compareIpv4 } from '../../../src/emit/ipv4-order.js';
import { readIpvsadm } from '../../../src/rules-format/ipvsadm.js';
import type { Problem } from './parse-rules-file.js';

export interface ParsedIpvs {
  /** fwmark → real server addresses. */
  readonly services: ReadonlyMap<number, readonly string[]>;
}

const SERVICE = /^-A -f (\d+) -s rr$/;
const REAL = /^-a -f (\d+) -r (\d+\.\d+\.\d+\.\d+):0 -m -w (\d+)$/;

export function parseIpvsFile(file: string, text: string, problems: Problem[]): ParsedIpvs {
  const services = new Map<number, string[]>();
  const owner = new Map<string, number>();
  const report = (line: number, message: string): void => void problems.push({ file, line, message });
  let last: [number, string] = [0, ''];
  for (const l of readIpvsadm(text)) {
    const [n, line] = [l.line, l.text];
    if (l.kind === 'blank') continue;
    // The reader finds services and servers; meshc's own files must also keep its one exact form.
    const s = l.kind === 'service' && l.fwmark !== null && SERVICE.test(line);
    const r = l.kind === 'server' && l.fwmark !== null && REAL.test(line);
    if (s) {
      const mark = l.fwmark as number;
      if (services.has(mark)) report(n, `two IPVS services share fwmark ${mark}`);
      else if (mark < last[0]) report(n, `IPVS service ${mark} out of fwmark order`);
      services.set(mark, []);
      last = [mark, ''];
    } else if (r) {
      const [mark, ip] = [l.fwmark as number, l.real.replace(/:0$/, '')];
      const reals = services.get(mark);
      if (!reals) {
        report(n, `real server ${ip} for fwmark ${mark}, which has no IPVS service (above it)`);
        continue;
      }
      if (owner.has(ip)) report(n, `address ${ip} is a real server of fwmark ${owner.get(ip)} and ${mark}`);
      else if (mark === last[0] && last[1] !== '' && compareIpv4(ip, last[1]) < 0) report(n, `real server ${ip} out of address order`);
      owner.set(ip, mark);
      reals.push(ip);
      last = [mark, ip];
    } else report(n, `not an ipvsadm -Sn line: "${line}"`);
  }
  for (const [mark, reals] of services) if (reals.length === 0) report(0, `IPVS service ${mark} has no real server`);
  return { services };
}
