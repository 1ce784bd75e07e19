import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { readComposeFile, type FrontEndIo } from './read-compose.js';

function read(text: string | Buffer, env: Record<string, string> = {}) {
  const io: FrontEndIo = {
    readFile: (p) => {
      if (p !== 'stack.yml') throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return typeof text === 'string' ? Buffer.from(text) : text;
    },
    env,
  };
  const sink = new DiagnosticSink();
  const doc = readComposeFile('stack.yml', io, sink);
  return { doc, diags: sink.items.map((d) => `${d.loc ? `${d.loc.line}:${d.loc.col} ` : ''}${d.code}: ${d.message}`) };
}
const svc = (body: string, version?: string) => `${version ? `version: "${version}"\n` : ''}services:\n  web:\n    image: nginx\n${body}`;

describe('readComposeFile: version', () => {
  it.each([[undefined, '3.13'], ['', '3.13'], ['3', '3.13'], ['3.0', '3.0'], ['3.7', '3.7'], ['3.13', '3.13']])(
    'version %j selects %s',
    (version, selected) => {
      const text = version === undefined ? svc('') : `version: "${version}"\nservices: {}\n`;
      expect(read(text).doc?.version).toBe(selected);
    },
  );
  it.each([['"2"', '2'], ['"3.14"', '3.14'], ['"3.5.1"', '3.5.1'], ['"3.00"', '3.00'], ['', '<nil>'], ['3.14', '3.14']])(
    'version: %s is unsupported',
    (raw, shown) => {
      expect(read(`version: ${raw}\nservices: {}\n`).diags).toEqual([
        `1:10 UNSUPPORTED_COMPOSE_VERSION: unsupported Compose file version: ${shown} (docker stack deploy reads 3.0 to 3.13)`,
      ]);
    },
  );
  it('a number selects a schema by its text, then fails "must be a string" like docker', () => {
    expect(read('version: 3\nservices: {}\n').diags).toEqual(['1:10 SCHEMA_VIOLATION: version must be a string']);
    expect(read('version: 3.1\nservices: {}\n').diags).toEqual(['1:10 SCHEMA_VIOLATION: version must be a string']);
  });
  it('reads version before interpolation', () => {
    expect(read('version: "${V}"\nservices: {}\n', { V: '3.1' }).diags[0]).toContain('unsupported Compose file version: ${V}');
  });
});

describe('readComposeFile: service options', () => {
  it('reports each forbidden option at its key and no schema noise for it', () => {
    const r = read(svc('    extends: base\n    cpu_shares: 512\n'));
    expect(r.doc).toBeUndefined();
    expect(r.diags).toEqual([
      '4:5 FORBIDDEN_OPTION: Compose file contains unsupported option services.web.extends: Support for `extends` is not implemented yet. (docker stack deploy refuses the file)',
      '5:5 FORBIDDEN_OPTION: Compose file contains unsupported option services.web.cpu_shares: Set resource limits using deploy.resources (docker stack deploy refuses the file)',
    ]);
  });
  it('warns about unsupported and deprecated options and still succeeds', () => {
    const r = read(svc('    restart: always\n    container_name: web1\n'));
    expect(r.doc?.data).toBeDefined();
    expect(r.diags).toEqual([
      '4:5 UNSUPPORTED_OPTION: Ignoring unsupported option services.web.restart: docker stack deploy ignores it, and so does meshc',
      '5:5 DEPRECATED_OPTION: Ignoring deprecated option services.web.container_name: Setting the container name is not supported.',
    ]);
  });
});

describe('readComposeFile: schema messages (docker wording, with positions)', () => {
  it('x- keys: top level from 3.4, in services from 3.7', () => {
    expect(read('version: "3.3"\nx-a: 1\nservices: {}\n').diags).toEqual(['2:1 SCHEMA_VIOLATION: (root) Additional property x-a is not allowed']);
    expect(read('version: "3.4"\nx-a: 1\nservices: {}\n').diags).toEqual([]);
    expect(read(svc('    x-b: 1\n', '3.6')).diags).toEqual(['5:5 SCHEMA_VIOLATION: services.web Additional property x-b is not allowed']);
    expect(read(svc('    x-b: 1\n', '3.7')).diags).toEqual([]);
  });
  it('long port syntax only from 3.2', () => {
    const ports = '    ports:\n      - target: 80\n        published: 8080\n';
    expect(read(svc(ports, '3.1')).diags).toEqual(['6:9 SCHEMA_VIOLATION: services.web.ports.0 must be a string or number']);
    expect(read(svc(ports, '3.2')).diags).toEqual([]);
  });
  it('checks short ports with ParsePortSpec and says why', () => {
    expect(read(svc('    ports: ["8080:80/http", "80", 8081]\n')).diags).toEqual([
      "4:13 SCHEMA_VIOLATION: services.web.ports.0 Does not match format 'ports' (invalid proto: http)",
    ]);
  });
  it('a quoted published port fails as an integer; interpolated it is cast', () => {
    const ports = (p: string) => svc(`    ports:\n      - target: 80\n        published: ${p}\n`);
    expect(read(ports('"8080"')).diags).toEqual(['6:20 SCHEMA_VIOLATION: services.web.ports.0.published must be a integer']);
    expect(read(ports('"${P}"'), { P: '8080' }).doc?.data).toMatchObject({ services: { web: { ports: [{ published: 8080 }] } } });
  });
  it('reports every problem of the file, one message per place', () => {
    const text = 'services:\n  web:\n    image: nginx\n    foo: 1\n    environment: {A: [1]}\n  db: []\n  "bad name": {image: x}\n';
    expect(read(text).diags).toEqual([
      '4:5 SCHEMA_VIOLATION: services.web Additional property foo is not allowed',
      '5:22 SCHEMA_VIOLATION: services.web.environment.A must be a string, number or null',
      '6:7 SCHEMA_VIOLATION: services.db must be a mapping',
      '7:3 SCHEMA_VIOLATION: services Additional property bad name is not allowed',
    ]);
  });
  it('uses docker\'s texts for enum, uniqueness, required and minimum', () => {
    const text = svc(
      '    deploy: {update_config: {order: sideways}}\n    environment: [A=1, A=1]\n    ulimits: {nofile: {soft: 1}}\n' +
        '    volumes: [{type: tmpfs, target: /x, tmpfs: {size: -1}}]\n',
    );
    expect(read(text).diags).toEqual([
      '4:37 SCHEMA_VIOLATION: services.web.deploy.update_config.order must be one of the following: "start-first", "stop-first"',
      '5:18 SCHEMA_VIOLATION: services.web.environment array items[0,1] must be unique',
      '6:23 SCHEMA_VIOLATION: services.web.ulimits.nofile hard is required',
      '7:55 SCHEMA_VIOLATION: services.web.volumes.0.tmpfs.size Must be greater than or equal to 0',
    ]);
  });
  it('merges wrong-branch type errors into one message', () => {
    expect(read(svc('    ports: [true]\n')).diags).toEqual(['4:13 SCHEMA_VIOLATION: services.web.ports.0 must be a number, string or mapping']);
  });
  it('checks durations as Go does', () => {
    const hc = (v: string) => svc(`    healthcheck: {interval: "${v}"}\n`);
    expect(read(hc('1m30s')).diags).toEqual([]);
    expect(read(hc('10')).diags).toEqual(["4:29 SCHEMA_VIOLATION: services.web.healthcheck.interval Does not match format 'duration'"]);
  });
  it('positions errors inside merged anchors where they were written', () => {
    const text = 'x-defaults: &d\n  ports: ["1:2:3:4"]\nservices:\n  web:\n    <<: *d\n    image: nginx\n';
    expect(read(text).diags).toEqual([
      "2:11 SCHEMA_VIOLATION: services.web.ports.0 Does not match format 'ports' (invalid IP address: 1:2)",
    ]);
  });
});

describe('readComposeFile: hostile keys', () => {
  it('a __proto__ key is an ordinary (unknown) property, not a prototype', () => {
    const r = read('__proto__: {polluted: 1}\nservices: {}\n');
    expect(r.diags).toEqual(['1:1 SCHEMA_VIOLATION: (root) Additional property __proto__ is not allowed']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readComposeFile: files that are not Compose', () => {
  it.each([
    ['', '1:1 TOP_LEVEL_NOT_MAPPING: top-level object must be a mapping (found an empty document)'],
    ['- a\n', '1:1 TOP_LEVEL_NOT_MAPPING: top-level object must be a mapping (found a list)'],
    ['hello\n', '1:1 TOP_LEVEL_NOT_MAPPING: top-level object must be a mapping (found a string)'],
  ])('%j', (text, msg) => expect(read(text).diags).toEqual([msg]));
  it('a missing file is one IO error without a position', () => {
    const sink = new DiagnosticSink();
    readComposeFile('nope.yml', { readFile: () => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); }, env: {} }, sink);
    expect(sink.items.map((d) => d.message)).toEqual(['cannot read nope.yml: no such file']);
  });
  it('a binary file is refused before parsing', () => {
    expect(read(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])).diags).toEqual(['1:5 COMPOSE_FILE_BINARY: stack.yml is not a text file (NUL byte at offset 4)']);
  });
  it('returns data, the version and working locators for a valid file', () => {
    const r = read('services:\n  web:\n    image: ${IMG:-nginx}\n');
    expect(r.doc?.data).toEqual({ services: { web: { image: 'nginx' } } });
    expect(r.doc?.files).toEqual(['stack.yml']);
    expect(r.doc?.locate(['services', 'web', 'image'])).toMatchObject({ line: 3, col: 12 });
    expect(r.doc?.locateKey(['services', 'web', 'image'])).toMatchObject({ line: 3, col: 5 });
  });
});

describe('readComposeFile: ~ in bind sources (loader.go expandUser)', () => {
  const vols = svc('    volumes:\n      - ~/data:/data\n      - {type: bind, source: ~x, target: /x}\n      - {type: volume, source: ~v, target: /v}\n      - ./a~:/a\n');
  it('warns once per bind source with a leading ~ when the environment has no HOME', () => {
    expect(read(vols).diags.map((d) => d.split(': cannot')[0])).toEqual(['5:9 HOME_UNSET', '6:30 HOME_UNSET']);
    expect(read(vols).diags[0]).toContain(`cannot expand '~', because the environment lacks HOME: docker keeps the bind source "~/data" as written`);
  });
  it('is silent with HOME set, even empty', () => {
    expect(read(vols, { HOME: '/home/u' }).diags).toEqual([]);
    expect(read(vols, { HOME: '' }).diags).toEqual([]);
  });
});
