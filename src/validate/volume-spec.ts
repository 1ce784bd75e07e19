/**
 * The short volume syntax as docker's loader reads it: docker/cli internal/volumespec
 * volumespec.go `Parse` (cli/compose/loader `transformServiceVolumeConfig`), and the
 * Windows path test of cli/compose/loader/windows_path.go `isAbs`, which
 * `resolveVolumePaths` uses before making a bind source absolute.
 *
 * Its one surprise: a one-letter source before `:` is read as a Windows drive, so
 * `x:/data` is an anonymous volume mounted at `x:/data`, not volume `x` at `/data`.
 */

export interface ShortVolume {
  readonly type: 'volume' | 'bind';
  readonly source?: string;
  readonly target?: string;
  readonly read_only?: boolean;
  readonly bind?: { readonly propagation: string };
  readonly volume?: { readonly nocopy: true };
}

export type VolumeSpecResult = { readonly ok: true; readonly volume: ShortVolume } | { readonly ok: false; readonly error: string };

// moby api/types/mount `Propagations`.
const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);

// `isWindowsDrive`: a `:` right after exactly one letter belongs to the field.
function isWindowsDrive(buffer: readonly string[], char: string): boolean {
  return char === ':' && buffer.length === 1 && isLetter(buffer[0]!);
}

/** `Parse`: the long form of one short volume, or docker's error ("invalid spec: …"). */
export function parseVolumeSpec(spec: string): VolumeSpecResult {
  const bytes = Buffer.byteLength(spec);
  if (bytes === 0) return { ok: false, error: 'invalid empty volume spec' };
  if (bytes <= 2) return { ok: true, volume: { type: 'volume', target: spec } };
  const v: { source?: string; target?: string; read_only?: boolean; bind?: { propagation: string }; volume?: { nocopy: true } } = {};
  let buffer: string[] = [];
  const END = '\u0000';
  for (const char of [...spec, END]) {
    if (isWindowsDrive(buffer, char)) buffer.push(char);
    else if (char === ':' || char === END) {
      const problem = populate(char === END, buffer.join(''), v);
      if (problem) return { ok: false, error: `invalid spec: ${spec}: ${problem}` };
      buffer = [];
    } else buffer.push(char);
  }
  return { ok: true, volume: { type: v.source !== undefined && isFilePath(v.source) ? 'bind' : 'volume', ...v } };
}

// `populateFieldFromBuffer`: source, target, then the options (unknown ones ignored).
function populate(end: boolean, field: string, v: { source?: string; target?: string; read_only?: boolean; bind?: { propagation: string }; volume?: { nocopy: true } }): string | undefined {
  if (field === '') return 'empty section between colons';
  if (v.source === undefined && end) {
    v.target = field;
    return undefined;
  }
  if (v.source === undefined) {
    v.source = field;
    return undefined;
  }
  if (v.target === undefined) {
    v.target = field;
    return undefined;
  }
  if (!end) return 'too many colons';
  for (const option of field.split(',')) {
    if (option === 'ro') v.read_only = true;
    else if (option === 'rw') v.read_only = false;
    else if (option === 'nocopy') v.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) v.bind = { propagation: option };
  }
  return undefined;
}

// `isFilePath`: a path (., /, ~), a named pipe (\\…), or a drive letter; else a volume name.
function isFilePath(source: string): boolean {
  if ('./~'.includes(source[0]!)) return true;
  const runes = [...source];
  if (runes.length === 1) return false;
  if (source.startsWith('\\\\')) return true;
  // Go reads the byte after the first rune; a letter then ':' is a drive.
  return isLetter(runes[0]!) && source[runes[0]!.length] === ':';
}

const isSlash = (c: string | undefined): boolean => c === '\\' || c === '/';

/** windows_path.go `isAbs`: `C:\…`, `C:/…` or a UNC path with a share and a path after it. */
export function isWindowsAbs(path: string): boolean {
  const l = volumeNameLen(path);
  if (l === 0) return false;
  const rest = path.slice(l);
  return rest !== '' && isSlash(rest[0]);
}

// Byte offsets in Go; these characters are all ASCII, so string indices agree.
function volumeNameLen(path: string): number {
  if (path.length < 2) return 0;
  const c = path[0]!;
  if (path[1] === ':' && /^[a-zA-Z]$/.test(c)) return 2;
  const l = path.length;
  if (l >= 5 && isSlash(path[0]) && isSlash(path[1]) && !isSlash(path[2]) && path[2] !== '.') {
    for (let n = 3; n < l - 1; n++) {
      if (!isSlash(path[n])) continue;
      n++;
      if (isSlash(path[n]) || path[n] === '.') return 0;
      for (; n < l; n++) if (isSlash(path[n])) break;
      return n;
    }
  }
  return 0;
}
