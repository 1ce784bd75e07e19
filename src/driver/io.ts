/**
 * What the driver reads from outside the process: input files, stdin, the environment.
 * The CLI's io is a superset; tests pass an in-memory one. The driver writes nothing
 * itself: it returns what to write (OutputCommit) and the CLI's output-tree commits it.
 */
export interface DriverIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): Buffer;
  readStdin(): Buffer;
  /** False for devices, FIFOs and directories (an env_file must not hang meshc on /dev/zero). */
  isRegularFile?(path: string): boolean;
}

/**
 * Every file read once per run: the driver looks at the first argument (cluster file or
 * stack file?) before the front end reads it, and stdin can only be read once.
 */
export function memoIo<T extends DriverIo>(io: T): T {
  const files = new Map<string, Buffer>();
  let stdin: Buffer | undefined;
  // A copy by property descriptors, not a spread: a spread would call the CLI io's lazy getters.
  const memo = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as T;
  memo.readFile = (path: string) => {
    const hit = files.get(path);
    if (hit) return hit;
    const bytes = io.readFile(path);
    files.set(path, bytes);
    return bytes;
  };
  memo.readStdin = () => (stdin ??= io.readStdin());
  return memo;
}
