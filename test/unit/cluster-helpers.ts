/** In-memory clusters for the cluster tests: files in a Map, the real driver over them. */
import { DiagnosticSink } from '../../src/diagnostics/types.js';
import type { DriverIo } from '../../src/driver/io.js';
import { compileFile, planFile, type DriveOptions } from '../../src/driver/drive.js';
import type { Lock } from '../../src/plan/lock.js';

export const OPTS: DriveOptions = { overrides: [], settings: {}, frozen: false };

export function memoryIo(files: Record<string, string>): DriverIo {
  return {
    cwd: '/',
    env: {},
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return Buffer.from(text);
    },
    readStdin: () => Buffer.alloc(0),
  };
}

/** `name: file` entries (each stack in `stacks/<name>.yml`) as a cluster file. */
export function clusterYaml(stacks: readonly string[], extra = ''): string {
  return `${extra}stacks:\n${stacks.map((s) => `  ${s}: stacks/${s}.yml\n`).join('')}`;
}

export function plan(files: Record<string, string>, lock?: Lock, opts: Partial<DriveOptions> = {}) {
  const sink = new DiagnosticSink();
  const all = lock ? { ...files, 'meshc.yml.meshc-lock.json': JSON.stringify(lock) } : files;
  const planned = planFile('meshc.yml', { ...OPTS, ...opts }, memoryIo(all), sink);
  return { planned, sink, codes: sink.items.map((d) => `${d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col} ` : ''}${d.code}`) };
}

export async function compile(files: Record<string, string>) {
  const sink = new DiagnosticSink();
  const compiled = await compileFile('meshc.yml', OPTS, memoryIo(files), sink);
  return { compiled, sink };
}
