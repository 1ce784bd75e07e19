import { describe, expect, it } from 'vitest';
import { diag } from '../diagnostics/catalog.js';
import { DiagnosticSink } from '../diagnostics/types.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_TIME_CODES, withLoaderVerdict } from './loader-verdict.js';

const loc = { file: 'stack.yml', line: 3, col: 5 };

describe('withLoaderVerdict (meshc config = docker stack config)', () => {
  it('turns what only docker stack deploy refuses into warnings, and says so', () => {
    const sink = new DiagnosticSink();
    const seen = withLoaderVerdict(sink, (scoped) => {
      scoped.report(diag('PORT_CONFLICT', loc, 80, 'tcp', 'a', 'ingress'));
      scoped.report(diag('DEPLOY_REFUSED', loc, 'invalid RestartCondition'));
      return scoped.hasErrors();
    });
    expect(seen).toBe(false);
    expect(sink.hasErrors()).toBe(false);
    expect(sink.items.map((d) => [d.code, d.severity])).toEqual([['PORT_CONFLICT', 'warning'], ['DEPLOY_REFUSED', 'warning']]);
    expect(sink.items[0]!.notes?.at(-1)?.message).toMatch(/docker stack config prints this file/);
    expect(sink.items[1]!.notes).toBeUndefined();
  });

  it("keeps the loader's refusals and I/O errors as errors", () => {
    const sink = new DiagnosticSink();
    withLoaderVerdict(sink, (scoped) => {
      scoped.report(diag('PORT_FLOAT', loc, '80.0'));
      scoped.report(diag('FILE_NOT_FOUND', undefined, 'x.yml'));
      scoped.report(diag('SCHEMA_VIOLATION', loc, 'services.web.ports', 'must be a list'));
    });
    expect(sink.items.map((d) => d.severity)).toEqual(['error', 'error', 'error']);
  });

  it('hands over sources (code frames) and repeat counts', () => {
    const sink = new DiagnosticSink();
    withLoaderVerdict(sink, (scoped) => {
      scoped.sources.set('stack.yml', 'version: "3.8"\n');
      for (let i = 0; i < 3; i++) scoped.report(diag('PORT_HOST_IP_IGNORED', loc, `127.0.0.1:${8000 + i}:80/tcp`));
    });
    expect(sink.sources.get('stack.yml')).toBe('version: "3.8"\n');
    expect(sink.items).toHaveLength(1);
    expect(sink.items[0]!.count).toBe(3);
  });
});

// The loader's side of the pipeline (src/pipeline.ts loadDocument: source, validate, the merge)
// must never raise a deploy-time code, or config would print a file docker's loader refuses.
it('no deploy-time code is raised by the loader stages', () => {
  const src = join(import.meta.dirname, '..');
  const files = [
    ...['source', 'validate'].flatMap((d) => readdirSync(join(src, d)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'loader-verdict.ts').map((f) => join(src, d, f))),
    ...['merge.ts', 'merge-service.ts'].map((f) => join(src, 'normalize', f)),
  ];
  const raised = files.flatMap((file) => [...DEPLOY_TIME_CODES].filter((code) => readFileSync(file, 'utf8').includes(`'${code}'`)).map((code) => `${code} in ${file}`));
  expect(files.length).toBeGreaterThan(10);
  expect(raised).toEqual([]);
});

// The command itself, in-process: docker stack config prints this file (two services on one
// ingress port), docker stack deploy refuses it; meshc config prints it with a warning.
describe('meshc config on a file only docker stack deploy refuses', () => {
  const stack = 'version: "3.8"\nservices:\n  a:\n    image: nginx\n    ports: ["80:80"]\n  b:\n    image: nginx\n    ports: ["80:8080"]\n';
  const runCli = async (argv: string[]) => {
    const { run } = await import('../cli/main.js');
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      cwd: '/w', env: {}, stdoutIsTTY: false, stderrIsTTY: false,
      stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t),
      readFile: (p: string) => {
        if (p.endsWith('stack.yml')) return Buffer.from(stack);
        throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      },
      readStdin: () => Buffer.alloc(0),
    };
    return { code: await run(argv, io), stdout: out.join(''), stderr: err.join('') };
  };

  it('prints the file, warns, exits 0; validate refuses it', async () => {
    const config = await runCli(['config', 'stack.yml']);
    expect(config.code).toBe(0);
    expect(config.stdout).toMatch(/^version: "3.8"\nservices:\n {2}a:\n/);
    expect(config.stderr).toMatch(/warning PORT_CONFLICT/);
    const validate = await runCli(['validate', 'stack.yml']);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/error PORT_CONFLICT/);
  });
});
