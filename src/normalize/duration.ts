/**
 * Go's `time.ParseDuration` and `time.Duration.String`, which docker uses for every
 * compose duration (healthcheck intervals, grace periods) and prints back in
 * `docker stack config`. Nanoseconds as a JS number: exact up to 2^53 ns (104 days),
 * far beyond any interval a compose file sets.
 */

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** Nanoseconds, or undefined where Go returns an error (empty, no unit, unknown unit). */
export function parseGoDuration(raw: string): number | undefined {
  let s = raw;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  // Each component: digits, optional fraction, unit; at least one digit overall.
  const component = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;
  while (s !== '') {
    const m = component.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = UNIT_NS[m[3]!];
    if (unit === undefined) return undefined;
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * unit;
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}

function trimFraction(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

/** `time.Duration.String()`: 1m30s, 1h0m0s, 100ms, 1.5µs, 0s. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${sign}${abs}ns`;
  if (abs < 1e6) return `${sign}${trimFraction(abs / 1e3, 3)}µs`;
  if (abs < 1e9) return `${sign}${trimFraction(abs / 1e6, 6)}ms`;
  const h = Math.floor(abs / 3600e9);
  const m = Math.floor((abs - h * 3600e9) / 60e9);
  const sec = trimFraction((abs - h * 3600e9 - m * 60e9) / 1e9, 9);
  if (h > 0) return `${sign}${h}h${m}m${sec}s`;
  if (m > 0) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}
