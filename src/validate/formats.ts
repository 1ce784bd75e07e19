/**
 * The schema's custom formats, injected into the precompiled validators: `ports` is
 * go-connections' ParsePortSpec (docker CLI ≥ 28), `duration` is Go's time.ParseDuration,
 * `expose` is accepted as is (docker's checker for it always says yes).
 */
import { parsePortSpec } from './port-spec.js';

export type FormatCheck = (value: unknown) => boolean;

/** Numbers are checked as their decimal text; docker reads a fraction as its numerator, meshc refuses it. */
export const portsFormat: FormatCheck = (value) => {
  if (typeof value === 'number') return Number.isInteger(value) && parsePortSpec(String(value)).ok;
  return typeof value === 'string' && parsePortSpec(value).ok;
};

// µs is written both ways Go accepts (U+00B5 micro sign, U+03BC Greek mu), as escapes: one non-ASCII
// character would make the whole bundle a two-byte string, twice the bytes to decode and hold at every start.
const DURATION = /^[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

/** time.ParseDuration: "0", or one or more number+unit pairs ("1h30m", "1.5s", "300ms"). */
export const durationFormat: FormatCheck = (value) => typeof value === 'string' && DURATION.test(value);

export const composeFormats: Readonly<Record<string, FormatCheck>> = {
  ports: portsFormat,
  duration: durationFormat,
  expose: () => true,
};
