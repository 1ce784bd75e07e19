/** go-units RAMInBytes (docker/cli loader `transformSize`): bytes, or undefined when it does not parse. */
const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

export function ramInBytes(s: string): number | undefined {
  const m = /^([0-9.]+) ?([a-zA-Z]{0,3})$/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const sfx = (m[2] ?? '').toLowerCase();
  if (sfx === '' || sfx === 'b') return Math.trunc(n);
  const mul = UNITS[sfx[0] ?? ''];
  if (mul === undefined || (sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) return undefined;
  return Math.trunc(n * mul);
}
