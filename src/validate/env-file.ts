/**
 * docker's env file format (docker/cli `opts.ParseEnvFile`), as `docker stack deploy` reads
 * a service's `env_file`: one `NAME=value` per line, the value passed through untouched
 * (quotes and trailing spaces included); leading white space, blank lines and `#` lines
 * skipped; a UTF-8 BOM dropped; a bare `NAME` taken from the environment, or dropped when
 * the environment lacks it. A name with a space or tab, or no name, rejects the file.
 */
export interface EnvFileResult {
  /** In file order; a later line wins, as in docker's map. */
  readonly vars: readonly (readonly [string, string])[];
  readonly problem?: { readonly line: number; readonly col: number; readonly why: string };
}

export function parseEnvFile(text: string, lookupEnv: (name: string) => string | undefined): EnvFileResult {
  const vars: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    // Go's unicode.IsSpace on the left of the line; only space and tab around the name.
    const line = raw.replace(/^[\s\u0085\u00a0]+/u, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).replace(/^[ \t]+/, '');
    const col = raw.length - line.length + 1;
    if (/[ \t]/.test(name)) return { vars, problem: { line: i + 1, col, why: `variable '${name}' contains whitespaces` } };
    if (name === '') return { vars, problem: { line: i + 1, col, why: `no variable name on line '${line}'` } };
    if (eq >= 0) {
      vars.push([name, line.slice(eq + 1)]);
    } else {
      const value = lookupEnv(line);
      if (value !== undefined) vars.push([name.trim(), value]);
    }
  }
  return { vars };
}
