/**
 * Reads ipvsadm command lines (`ipvsadm -Sn` output, ipvs.rules, `ipvsadm -R` input): the
 * one reader of the format for the consistency checker and `diff`. Services
 * are keyed by their address (`FWM 256`, `TCP 10.0.0.2:80`, …), real servers by address.
 */
import { tokenize } from './tokens.js';

export interface IpvsLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
  /** `service` for -A/--add-service, `server` for -a/--add-server, `blank`, else `other`. */
  readonly kind: 'service' | 'server' | 'blank' | 'other';
  /** `FWM 256`, `TCP 10.0.0.2:80`, `UDP …`, `SCTP …`; '' when the line names no service. */
  readonly service: string;
  /** The service's fwmark, for `-f` services. */
  readonly fwmark: number | null;
  /** The real server's address (`10.0.0.5:0`), for `server` lines. */
  readonly real: string;
  /** The other words (scheduler, forwarding method, weight …), in order. */
  readonly options: readonly string[];
}

const SERVICE_FLAGS: Readonly<Record<string, string>> = {
  '-f': 'FWM', '--fwmark-service': 'FWM', '-t': 'TCP', '--tcp-service': 'TCP', '-u': 'UDP', '--udp-service': 'UDP', '--sctp-service': 'SCTP',
};
const REAL_FLAGS = new Set(['-r', '--real-server']);

export function readIpvsadm(text: string): IpvsLine[] {
  return text.split('\n').map((rawLine, i) => readLine(rawLine.trim(), i + 1));
}

function readLine(text: string, line: number): IpvsLine {
  const none = { line, text, service: '', fwmark: null, real: '', options: [] };
  if (text === '') return { ...none, kind: 'blank' };
  const words = tokenize(text).values;
  const command = words[0];
  const kind = command === '-A' || command === '--add-service' ? 'service' : command === '-a' || command === '--add-server' ? 'server' : null;
  const at = words.findIndex((w) => w in SERVICE_FLAGS);
  if (kind === null || at < 0 || words[at + 1] === undefined) return { ...none, kind: 'other' };
  const label = SERVICE_FLAGS[words[at] as string] as string;
  const address = words[at + 1] as string;
  const r = words.findIndex((w) => REAL_FLAGS.has(w));
  const skip = new Set([0, at, at + 1, ...(kind === 'server' && r >= 0 ? [r, r + 1] : [])]);
  return {
    line,
    text,
    kind,
    service: `${label} ${address}`,
    fwmark: label === 'FWM' && /^\d+$/.test(address) ? Number(address) : null,
    real: kind === 'server' && r >= 0 ? (words[r + 1] ?? '') : '',
    options: words.filter((_, i) => !skip.has(i)),
  };
}
