/**
 * The CLI end to end, in-process (run(argv, io)): exit codes, stdout/stderr discipline,
 * all-or-nothing writes, the lock file. Uses real files in temp directories.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

const SEED = join(import.meta.dirname, '../../fixtures/seed/stack.yml');

function memIo(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readFile: (p) => readFileSync(resolve(cwd, p)),
    readStdin: () => Buffer.from(''),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

function workdir(stack?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-cli-'));
  if (stack === undefined) copyFileSync(SEED, join(dir, 'stack.yml'));
  else writeFileSync(join(dir, 'stack.yml'), stack);
  return dir;
}

describe('meshc CLI', () => {
  it('prints its version', async () => {
    const m = memIo(workdir());
    expect(await run(['--version'], m.io)).toBe(0);
    expect(m.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 for a usage error and for a missing file', async () => {
    const a = memIo(workdir());
    expect(await run(['frobnicate'], a.io)).toBe(2);
    const b = memIo(workdir());
    expect(await run(['validate', 'missing.yml'], b.io)).toBe(2);
    expect(b.stderr()).toContain('missing.yml');
    expect(b.stderr()).toContain('FILE_NOT_FOUND');
  });

  it('validates the seed stack silently with exit 0', async () => {
    const m = memIo(workdir());
    expect(await run(['validate', 'stack.yml'], m.io)).toBe(0);
    expect(m.stdout()).toBe('');
  });

  it('reports an error with file:line:col and exit 1, and writes nothing on compile', async () => {
    const dir = workdir('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80/http"\n');
    const m = memIo(dir);
    expect(await run(['validate', 'stack.yml'], m.io)).toBe(1);
    expect(m.stderr()).toMatch(/^stack\.yml:5:\d+ error [A-Z_]+: /m);
    const c = memIo(dir);
    expect(await run(['compile', 'stack.yml', '-o', join(dir, 'out')], c.io)).toBe(1);
    expect(readdirSync(dir)).toEqual(['stack.yml']);
  });

  it('prints validate diagnostics as one JSON document on stdout with --format json', async () => {
    const dir = workdir('services:\n  web:\n    image: nginx\n    ports:\n      - "80:80/http"\n');
    const m = memIo(dir);
    expect(await run(['validate', '--format', 'json', 'stack.yml'], m.io)).toBe(1);
    const doc = JSON.parse(m.stdout());
    expect(doc.errors).toBeGreaterThan(0);
    expect(doc.diagnostics[0].loc).toMatchObject({ file: 'stack.yml', line: 5 });
  });

  it('compiles the seed stack deterministically and records the lock', async () => {
    const dir = workdir();
    const out = join(dir, 'out');
    expect(await run(['compile', 'stack.yml', '-o', out], memIo(dir).io)).toBe(0);
    const first = snapshot(out);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['plan.json', 'playbook.yml']));
    const runner = Object.keys(first).find((p) => p.endsWith('/apply.sh'));
    expect(runner).toBeDefined();
    expect(statSync(join(out, runner!)).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dir, 'stack.yml.meshc-lock.json'))).toBe(true);
    expect(await run(['compile', 'stack.yml', '-o', out], memIo(dir).io)).toBe(0);
    expect(snapshot(out)).toEqual(first);
    const frozen = memIo(dir);
    expect(await run(['validate', '--frozen', 'stack.yml'], frozen.io)).toBe(0);
  });

  it('fails --frozen when there is no lock yet', async () => {
    const m = memIo(workdir());
    expect(await run(['validate', '--frozen', 'stack.yml'], m.io)).toBe(1);
    expect(m.stderr()).toContain('LOCK_STALE');
  });

  it('puts only the JSON document on stdout with --format json', async () => {
    const dir = workdir();
    const m = memIo(dir);
    expect(await run(['compile', 'stack.yml', '--format', 'json'], m.io)).toBe(0);
    const doc = JSON.parse(m.stdout());
    expect(doc.plan.services[0].name).toBe('ngx');
    expect(Object.keys(doc.files)).toContain('plan.json');
    expect(doc).toMatchObject({ diagnostics: [], errors: 0, warnings: 0 });
    expect(existsSync(join(dir, 'out'))).toBe(false);
    // A pure pipe writes nothing, the lock included.
    expect(existsSync(join(dir, 'stack.yml.meshc-lock.json'))).toBe(false);
  });

  it('compile --format text is the default; --diff with a stdout format is a usage error that writes nothing', async () => {
    const a = workdir();
    const text = memIo(a);
    expect(await run(['compile', 'stack.yml', '--format', 'text'], text.io)).toBe(0);
    expect(text.stdout()).toBe('');
    expect(existsSync(join(a, 'out', 'plan.json'))).toBe(true);
    const b = workdir();
    for (const format of ['sarif', 'json']) {
      const m = memIo(b);
      expect(await run(['compile', 'stack.yml', '--diff', '--format', format], m.io)).toBe(2);
      expect(m.stdout() + m.stderr()).toContain('USAGE');
    }
    expect(readdirSync(b)).toEqual(['stack.yml']);
  });

  it('compile --format json carries warnings in the document, and on errors prints only the diagnostics document', async () => {
    const warn = memIo(workdir('services:\n  gate:\n    image: x\n    ports:\n      - "22:22"\n'));
    expect(await run(['compile', 'stack.yml', '--format', 'json'], warn.io)).toBe(0);
    const doc = JSON.parse(warn.stdout());
    expect(doc.plan.services[0].name).toBe('gate');
    expect(doc.diagnostics.map((d: { code: string; loc: { line: number } }) => `${d.code}@${d.loc.line}`)).toEqual(['PUBLISHED_PORT_SHADOWS_NODE_SERVICE@5']);
    expect(doc).toMatchObject({ errors: 0, warnings: 1 });
    expect(warn.stderr()).toBe('');

    const bad = memIo(workdir('services:\n  web:\n    image: x\n    ports:\n      - "80:80/http"\n'));
    expect(await run(['compile', 'stack.yml', '--format', 'json'], bad.io)).toBe(1);
    const errors = JSON.parse(bad.stdout());
    expect(errors.plan).toBeUndefined();
    expect(errors).toMatchObject({ errors: 1, diagnostics: [{ severity: 'error', loc: { file: 'stack.yml', line: 5 } }] });
  });

  it('reads env_file next to the stack file; a missing file or a device is an error at the entry', async () => {
    const dir = workdir('services:\n  web:\n    image: x\n    env_file: [app.env, missing.env, /dev/zero]\n    environment: [B=own]\n');
    writeFileSync(join(dir, 'app.env'), 'A=1\nB=file\n');
    const m = memIo(dir);
    const io = { ...m.io, isRegularFile: (p: string) => statSync(resolve(dir, p), { throwIfNoEntry: false })?.isFile() ?? true };
    expect(await run(['validate', 'stack.yml'], io)).toBe(1);
    expect(m.stderr()).toMatch(/^stack\.yml:4:25 error ENV_FILE_UNREADABLE: env_file "missing\.env" cannot be read .*: no such file/m);
    expect(m.stderr()).toMatch(/^stack\.yml:4:38 error ENV_FILE_UNREADABLE: env_file "\/dev\/zero" cannot be read .*: not a regular file/m);

    writeFileSync(join(dir, 'stack.yml'), 'services:\n  web:\n    image: x\n    env_file: app.env\n    environment: [B=own]\n');
    const ok = memIo(dir);
    expect(await run(['config', 'stack.yml'], { ...ok.io, isRegularFile: io.isRegularFile })).toBe(0);
    expect(ok.stdout()).toContain('    environment:\n      A: "1"\n      B: own\n');
  });

  it('takes network settings from flags, over the defaults, and rejects bad ones', async () => {
    const dir = workdir();
    const m = memIo(dir);
    expect(await run(['plan', 'stack.yml', '--ingress-subnet', '10.9.0.0/24', '--dynamic-ports', '31000-31010'], m.io)).toBe(0);
    const plan = JSON.parse(m.stdout());
    expect(plan.settings.ingressSubnet).toBe('10.9.0.0/24');
    expect(plan.settings.dynamicPortRange).toEqual([31000, 31010]);
    expect(plan.nodes[0].ingressIp).toMatch(/^10\.9\.0\./);
    const bad = memIo(dir);
    expect(await run(['plan', 'stack.yml', '--ingress-subnet', '10.9.0.0/33'], bad.io)).toBe(1);
    expect(bad.stdout()).toBe('');
    expect(await run(['plan', 'stack.yml', '--dynamic-ports', 'lots'], memIo(dir).io)).toBe(2);
  });

  it('fails on warnings only when asked to', async () => {
    const dir = workdir('services:\n  web:\n    image: nginx\n    ports:\n      - "127.0.0.1:8080:80"\n');
    expect(await run(['validate', 'stack.yml'], memIo(dir).io)).toBe(0);
    expect(await run(['validate', '--warnings-as-errors', 'stack.yml'], memIo(dir).io)).toBe(1);
    const m = memIo(dir);
    expect(await run(['validate', '--max-warnings', '0', 'stack.yml'], m.io)).toBe(1);
    expect(m.stderr()).toContain('TOO_MANY_WARNINGS');
    expect(await run(['validate', '--max-warnings', '1', 'stack.yml'], memIo(dir).io)).toBe(0);
  });
});

describe('meshc CLI: a newcomer\'s first minutes', () => {
  const tty = (dir: string) => {
    const m = memIo(dir);
    return { ...m, io: { ...m.io, stderrIsTTY: true } };
  };

  it('compile ends with a summary and the next step on a terminal, and with -v; nothing otherwise', async () => {
    const dir = workdir();
    const t = tty(dir);
    expect(await run(['compile', 'stack.yml', '-o', 'out'], t.io)).toBe(0);
    expect(t.stderr()).toMatch(/^meshc: wrote \d+ files to out\/ and the lock stack\.yml\.meshc-lock\.json\n/);
    expect(t.stderr()).toContain('  ports     1: 8888/tcp → stack_ngx:80\n');
    expect(t.stderr()).toContain('ansible-playbook -i INVENTORY out/playbook.yml');
    expect(t.stderr()).toContain('sudo out/local/apply.sh --check');
    expect(t.stdout()).toBe('');
    const piped = memIo(dir);
    expect(await run(['compile', 'stack.yml', '-o', 'out'], piped.io)).toBe(0);
    expect(piped.stderr()).toBe('');
    const verbose = memIo(dir);
    expect(await run(['compile', 'stack.yml', '-o', 'out', '-v'], verbose.io)).toBe(0);
    // The lock is unchanged on a recompile, so the summary does not claim to have written it.
    expect(verbose.stderr()).toMatch(/^meshc: wrote \d+ files to out\/\n/);
    const json = tty(dir);
    expect(await run(['compile', 'stack.yml', '--format', 'sarif', '-o', 'out'], json.io)).toBe(0);
    expect(json.stderr()).toBe('');
  });

  it('a usage error is one line and a --help hint, not the whole help', async () => {
    const m = memIo(workdir());
    expect(await run(['compile', '--bogus', 'stack.yml'], m.io)).toBe(2);
    expect(m.stderr()).toBe("error: unknown option '--bogus'\n(run 'meshc compile --help' for its options)\n");
    const top = memIo(workdir());
    expect(await run(['frobnicate'], top.io)).toBe(2);
    expect(top.stderr()).not.toContain('Usage:');
    expect(top.stderr()).toContain("(run 'meshc --help' for the commands)");
  });

  it('each command\'s --help offers only what it uses, each option with a description', async () => {
    const help = async (cmd: string) => {
      const m = memIo(workdir());
      expect(await run([cmd, '--help'], m.io)).toBe(0);
      return m.stdout();
    };
    const config = await help('config');
    for (const useless of ['--inventory', '--frozen', '--lock', '--vni', '--dataplane']) expect(config).not.toContain(useless);
    for (const cmd of ['validate', 'compile', 'config', 'plan', 'explain']) {
      const options = (await help(cmd)).split('Options:\n')[1]!.split('\n\n')[0]!;
      for (const line of options.split('\n').filter((l) => /^ {2}-/.test(l))) expect(line, `${cmd}: ${line}`).toMatch(/^ {2}\S.*\S {2,}\S/);
    }
  });

  it('explain without a selector lists what it can show; a target port points at its published port', async () => {
    const dir = workdir();
    const list = memIo(dir);
    expect(await run(['explain', 'stack.yml'], list.io)).toBe(0);
    expect(list.stdout()).toMatch(/^ {2}ngx:8888\/tcp +→ stack_ngx target 80 +ingress$/m);
    const target = memIo(dir);
    expect(await run(['explain', 'stack.yml', 'ngx:80'], target.io)).toBe(1);
    expect(target.stderr()).toContain('NOTHING_TO_EXPLAIN: no published port matches ngx:80\n');
    expect(target.stderr()).toContain('note: 80/tcp is the target port of stack_ngx; the mesh publishes it as 8888: meshc explain stack.yml ngx:8888/tcp\n');
    const unknown = memIo(dir);
    expect(await run(['explain', 'stack.yml', 'web'], unknown.io)).toBe(1);
    expect(unknown.stderr()).toContain('note: published: ngx:8888/tcp → stack_ngx target 80, ingress\n');
  });
});

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, path)).isDirectory()) walk(path);
      else files[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return files;
}
