/**
 * Plain-scalar integers as go-yaml v3 (docker CLI ≥ 28) resolves them: underscores
 * dropped, then Go's base-0 `strconv.ParseInt`, so `017` is octal 15, `0b11` is 3 and
 * `1_000` is 1000, where the YAML 1.2 core schema would read 17, "0b11" and "1_000".
 * `8080:80` stays a string either way (no YAML 1.1 base 60).
 */
import type { ScalarTag } from 'yaml';

export const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/;

/** Integer tag replacing the core schema's three (decimal, 0o, 0x). */
export const goYamlInt: ScalarTag = {
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: GO_INT,
  resolve: (str) => parseGoInt(str),
};

/** Go's ParseInt(s, 0, 64) after removing "_"; an invalid octal such as "08" is a float, as in go-yaml. */
export function parseGoInt(raw: string): number {
  const plain = raw.replace(/_/g, '');
  const sign = plain.startsWith('-') ? -1 : 1;
  const digits = plain.replace(/^[-+]/, '');
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x') return sign * parseInt(digits.slice(2), 16);
  if (prefix === '0o') return sign * parseInt(digits.slice(2), 8);
  if (prefix === '0b') return sign * parseInt(digits.slice(2), 2);
  if (digits.length > 1 && digits.startsWith('0')) {
    return /^[0-7]+$/.test(digits) ? sign * parseInt(digits, 8) : sign * Number(digits);
  }
  return sign * Number(digits);
}
