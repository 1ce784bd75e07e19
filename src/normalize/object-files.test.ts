// The secret and config files docker stack deploy reads (convert/compose.go fileObjectConfig) and swarmkit's size bounds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { readGuardedInput } from '../driver/inputs.js';
import { loadDocument, loadStack } from '../pipeline.js';
import type { FrontEndIo } from '../validate/read-compose.js';
import { withLoaderVerdict } from '../validate/loader-verdict.js';

const STACK = `version: "3.8"
services:
  web:
    image: nginx
    secrets: [tls]
secrets:
  tls:
    file: ./tls.pem
  vault:
    driver: vault
  old:
    external: true
  named:
    external: {name: x}
configs:
  site:
    file: /etc/site.conf
    template_driver: golang
`;

/** The stack in /srv/app, and the files around it: a Buffer, or an errno code the read throws. */
function memIo(files: Record<string, Buffer | string>): FrontEndIo {
  return {
    env: {},
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      if (typeof f === 'string') throw Object.assign(new Error(f), { code: f });
      return f;
    },
  };
}

function run(files: Record<string, Buffer | string>, stack = STACK) {
  const sink = new DiagnosticSink();
  const normalized = loadStack({ files: ['/srv/app/stack.yml'] }, memIo({ '/srv/app/stack.yml': Buffer.from(stack), ...files }), sink);
  return { normalized, items: sink.items.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.severity} ${d.code}: ${d.message}`) };
}

describe('secret and config files (docker stack deploy reads them)', () => {
  it('accepts a stack whose files are there; external and driver secrets have none', () => {
    const r = run({ '/srv/app/tls.pem': Buffer.from('cert'), '/etc/site.conf': Buffer.from('x') });
    expect(r.items).toEqual([]);
    expect(r.normalized).toBeDefined();
  });

  it('refuses an absent file at its file: value, naming the path docker would open', () => {
    const r = run({ '/etc/site.conf': Buffer.from('x') });
    expect(r.normalized).toBeUndefined();
    expect(r.items).toEqual([
      '8:11 error OBJECT_FILE_UNREADABLE: secret tls: file "./tls.pem" cannot be read (open /srv/app/tls.pem: no such file or directory): docker stack config accepts this, but docker stack deploy reads the file to create the secret and fails',
    ]);
  });

  it('reads every declared object, used or not, a template included, and words each failure as Go does', () => {
    const r = run({ '/srv/app/tls.pem': 'EACCES', '/etc/site.conf': 'EISDIR' });
    expect(r.items.map((i) => i.replace(/\): docker stack config.*$/, ')'))).toEqual([
      '8:11 error OBJECT_FILE_UNREADABLE: secret tls: file "./tls.pem" cannot be read (open /srv/app/tls.pem: permission denied)',
      '17:11 error OBJECT_FILE_UNREADABLE: config site: file "/etc/site.conf" cannot be read (read /etc/site.conf: is a directory)',
    ]);
  });

  it('refuses what swarmkit refuses: empty data, a secret of 500 KiB, a config of 1000 KiB', () => {
    const ok = run({ '/srv/app/tls.pem': Buffer.alloc(500 * 1024 - 1), '/etc/site.conf': Buffer.alloc(1000 * 1024 - 1) });
    expect(ok.items).toEqual([]);
    const r = run({ '/srv/app/tls.pem': Buffer.alloc(500 * 1024), '/etc/site.conf': Buffer.alloc(0) });
    expect(r.items.map((i) => i.replace(/ \(docker stack config.*$/, ''))).toEqual([
      '8:11 error DEPLOY_REFUSED: secret tls: /srv/app/tls.pem is 512000 bytes: secret data must be larger than 0 and less than 512000 bytes',
      '17:11 error DEPLOY_REFUSED: config site: /etc/site.conf is 0 bytes: config data must be larger than 0 and less than 1024000 bytes',
    ]);
  });

  it('reads the merged file: an override can name the file, relative to the first file', () => {
    const sink = new DiagnosticSink();
    const io = memIo({
      '/srv/app/stack.yml': Buffer.from(STACK),
      '/srv/app/prod/override.yml': Buffer.from('version: "3.8"\nsecrets:\n  tls:\n    file: ./prod.pem\n'),
      '/srv/app/tls.pem': Buffer.from('cert'),
      '/etc/site.conf': Buffer.from('x'),
    });
    const doc = loadDocument({ files: ['/srv/app/stack.yml', '/srv/app/prod/override.yml'] }, io, sink);
    expect(doc).toBeDefined();
    expect(sink.items.map((d) => `${d.loc?.file}:${d.loc?.line} ${d.code}`)).toEqual(['/srv/app/prod/override.yml:4 OBJECT_FILE_UNREADABLE']);
    expect(sink.items[0]!.message).toContain('open /srv/app/prod.pem: no such file or directory');
  });

  it('is docker stack config’s warning, not its refusal, under the loader verdict (meshc config)', () => {
    const sink = new DiagnosticSink();
    const doc = withLoaderVerdict(sink, (scoped) => loadDocument({ files: ['/srv/app/stack.yml'] }, memIo({ '/srv/app/stack.yml': Buffer.from(STACK) }), scoped));
    expect(doc).toBeDefined();
    expect(sink.items.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning OBJECT_FILE_UNREADABLE', 'warning OBJECT_FILE_UNREADABLE']);
    expect(sink.hasErrors()).toBe(false);
  });
});

describe('secret and config files on a real disk (the CLI’s guarded reader)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshc-objfiles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const io: FrontEndIo = { env: {}, readFile: (p) => readGuardedInput(p) };
  const stack = (file: string) => `services:\n  web:\n    image: nginx\nsecrets:\n  s:\n    file: ${file}\n`;

  function validate(file: string): string[] {
    writeFileSync(join(dir, 'stack.yml'), stack(file));
    const sink = new DiagnosticSink();
    loadStack({ files: [join(dir, 'stack.yml')] }, io, sink);
    return sink.items.map((d) => `${d.code}: ${d.message.replace(dir, 'DIR').replace(/\): docker stack config.*$/, ')')}`);
  }

  it('a directory is read as docker reads it: is a directory', () => {
    mkdirSync(join(dir, 'certs'));
    expect(validate('./certs')).toEqual(['OBJECT_FILE_UNREADABLE: secret s: file "./certs" cannot be read (read DIR/certs: is a directory)']);
  });

  // mkfifo is coreutils; where it is absent the test is reported as skipped, never as a pass.
  const noMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status !== 0;
  it.skipIf(noMkfifo)(`a FIFO is refused without being opened for reading (meshc never hangs)${noMkfifo ? ' (skipped: needs mkfifo)' : ''}`, () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(validate('./pipe')).toEqual(['OBJECT_FILE_UNREADABLE: secret s: file "./pipe" cannot be read (DIR/pipe is a FIFO, not a regular file)']);
  });

  it('a regular file passes', () => {
    writeFileSync(join(dir, 'token'), 's3cret');
    expect(validate('./token')).toEqual([]);
  });
});
