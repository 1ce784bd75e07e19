/**
 * Variable substitution in one string, bug for bug with docker/cli's
 * `cli/compose/template` (what `docker stack deploy` runs): `$$`, `$V`, `${V}`,
 * `${V:-d}`, `${V-d}`, `${V:?e}`, `${V?e}`. Quirks kept on purpose, because a stack that
 * deploys with docker must mean the same thing here:
 * - the optional suffix also follows an unbraced name and runs to the next `}` or the end
 *   (`$FOO-bar baz` is FOO with default "bar baz");
 * - the substitution kind is picked by `:-`, then `-`, then `:?`, then `?`, split at the
 *   first occurrence (`${V:?a-b}` is a hard default, never an error);
 * - an error is forgotten when a later variable in the same string substitutes cleanly
 *   (docker reuses one error variable across matches).
 */

/** Docker's pattern: escaped `$$`, a named or braced substitution, or an invalid `$`. */
const PATTERN = /\$(?:(\$)|([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)|\{([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)\}|())/gi;

export type TemplateError =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'required'; readonly name: string; readonly message: string };

export type Lookup = (name: string) => string | undefined;

export interface Substitution {
  readonly value: string;
  readonly error?: TemplateError;
}

interface Step {
  readonly value: string;
  readonly applied: boolean;
  readonly error?: TemplateError;
}

type Rule = (sub: string, lookup: Lookup) => Step;

const NOT_APPLIED: Step = { value: '', applied: false };

const softDefault: Rule = (sub, lookup) => {
  const cut = partition(sub, ':-');
  if (!cut) return NOT_APPLIED;
  const v = lookup(cut[0]);
  return { value: v === undefined || v === '' ? cut[1] : v, applied: true };
};

const hardDefault: Rule = (sub, lookup) => {
  const cut = partition(sub, '-');
  if (!cut) return NOT_APPLIED;
  return { value: lookup(cut[0]) ?? cut[1], applied: true };
};

function requiredRule(sep: string, nonEmpty: boolean): Rule {
  return (sub, lookup) => {
    const cut = partition(sub, sep);
    if (!cut) return NOT_APPLIED;
    const v = lookup(cut[0]);
    if (v === undefined || (nonEmpty && v === '')) {
      return { value: '', applied: true, error: { kind: 'required', name: cut[0], message: cut[1] } };
    }
    return { value: v, applied: true };
  };
}

const RULES: readonly Rule[] = [softDefault, hardDefault, requiredRule(':?', true), requiredRule('?', false)];

/** Substitutes every variable of `template`; `error` is what docker would report for it. */
export function substitute(template: string, lookup: Lookup): Substitution {
  let error: TemplateError | undefined;
  const value = template.replace(PATTERN, (_m, escaped?: string, named?: string, braced?: string) => {
    if (escaped) return escaped;
    const sub = named || braced;
    if (!sub) {
      error = { kind: 'invalid' };
      return '';
    }
    for (const rule of RULES) {
      const step = rule(sub, lookup);
      error = step.error; // docker overwrites its error with every rule it tries
      if (step.error) return '';
      if (step.applied) return step.value;
    }
    return lookup(sub) ?? '';
  });
  return error ? { value, error } : { value };
}

function partition(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i < 0 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
}
