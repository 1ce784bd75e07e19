/**
 * `meshc validate --format sarif|github` from the built CLI, on a stack with errors in
 * two files: the SARIF log passes the SARIF 2.1.0 schema and carries the same positions
 * as the text format; the GitHub lines are one workflow command per diagnostic.
 * `meshc compile --format sarif|github` likewise: errors (nothing written) and warnings
 * (the tree written, the warning on stdout).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { MESHC, announceSkip, meshcSkipReason, sh, tempDir } from './tools.js';

const GOOD = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n';
const CONFLICT = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n  api:\n    image: nginx:1.27\n    ports:\n      - "8080:81"\n';
const BAD_PORT = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80800:80"\n';

const scratch = tempDir('sarif');
afterAll(() => scratch.remove());
mkdirSync(join(scratch.path, 'stacks'));
writeFileSync(join(scratch.path, 'stacks', 'good.yml'), GOOD);
writeFileSync(join(scratch.path, 'stacks', 'conflict.yml'), CONFLICT);
writeFileSync(join(scratch.path, 'stacks', 'bad port.yml'), BAD_PORT);
const skip = meshcSkipReason(['validate', 'stacks/good.yml'], scratch.path);
announceSkip('validate --format sarif|github', skip);

function schemaValidator() {
  const require = createRequire(import.meta.url);
  const { id, $schema: _draft4, ...schema } = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  formats.default(ajv);
  return ajv.compile({ $id: String(id), ...schema });
}

const validate = (format: string) =>
  sh(['node', MESHC, 'validate', '--format', format, 'stacks/conflict.yml', 'stacks/bad port.yml', 'stacks/good.yml'], { cwd: scratch.path, env: { ...process.env, NO_COLOR: '1' } });

/** `file:line:col CODE` of every diagnostic in the text format. */
function textPositions(): string[] {
  return [...validate('text').out.matchAll(/^(\S.*?):(\d+):(\d+) \w+ ([A-Z_]+):/gm)].map((m) => `${m[1]}:${m[2]}:${m[3]} ${m[4]}`);
}

describe.skipIf(skip)(skip ? `validate --format sarif|github (skipped: ${skip})` : 'validate --format sarif|github', () => {
  it('prints a schema-valid SARIF log with the positions the text format shows, and exits 1', () => {
    const r = sh(['node', MESHC, 'validate', '--format', 'sarif', 'stacks/conflict.yml', 'stacks/bad port.yml', 'stacks/good.yml'], { cwd: scratch.path });
    expect(r.status).toBe(1);
    const log = JSON.parse(r.out.slice(r.out.indexOf('{'), r.out.lastIndexOf('}') + 1));
    const check = schemaValidator();
    expect(check(log), JSON.stringify(check.errors)).toBe(true);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[];
    const positions = results.map((x) => {
      const p = x.locations[0]!.physicalLocation;
      return `${decodeURIComponent(p.artifactLocation.uri)}:${p.region.startLine}:${p.region.startColumn} ${x.ruleId}`;
    });
    expect(positions.length).toBeGreaterThanOrEqual(2);
    expect(positions).toEqual(textPositions());
    expect(positions.some((p) => p.startsWith('stacks/conflict.yml:'))).toBe(true);
    expect(positions.some((p) => p.startsWith('stacks/bad port.yml:6:'))).toBe(true);
  });

  it('prints one ::error workflow command per diagnostic with file, line, col and the code', () => {
    const r = validate('github');
    expect(r.status).toBe(1);
    const lines = r.out.split('\n').filter((l) => l.startsWith('::'));
    const fromGithub = lines.map((l) => {
      const m = /^::error file=([^,]+),line=(\d+),col=(\d+)(?:,[^:]*)?,title=([A-Z_]+)::/.exec(l);
      return m ? `${m[1]}:${m[2]}:${m[3]} ${m[4]}` : l;
    });
    expect(fromGithub).toEqual(textPositions());
  });

  it('compile --format sarif: errors give a schema-valid log and write nothing; warnings are logged beside the written tree', () => {
    const check = schemaValidator();
    const bad = sh(['node', MESHC, 'compile', 'stacks/conflict.yml', '-o', 'out-bad', '--format', 'sarif'], { cwd: scratch.path });
    expect(bad.status).toBe(1);
    const badLog = JSON.parse(bad.out);
    expect(check(badLog), JSON.stringify(check.errors)).toBe(true);
    expect(badLog.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('PORT_CONFLICT');
    expect(existsSync(join(scratch.path, 'out-bad'))).toBe(false);

    // Port 22 shadows the node's own sshd: a warning, so the tree is written and exit is 0.
    writeFileSync(join(scratch.path, 'stacks', 'ssh.yml'), GOOD.replace('8080:80', '22:22'));
    const warn = sh(['node', MESHC, 'compile', 'stacks/ssh.yml', '-o', 'out-warn', '--format', 'sarif'], { cwd: scratch.path });
    expect(warn.status, warn.out).toBe(0);
    const warnLog = JSON.parse(warn.out);
    expect(check(warnLog), JSON.stringify(check.errors)).toBe(true);
    expect(warnLog.runs[0].results.map((x: { ruleId: string; level: string }) => `${x.level} ${x.ruleId}`)).toEqual(['warning PUBLISHED_PORT_SHADOWS_NODE_SERVICE']);
    expect(existsSync(join(scratch.path, 'out-warn', 'plan.json'))).toBe(true);

    const gh = sh(['node', MESHC, 'compile', 'stacks/ssh.yml', '-o', 'out-warn', '--format', 'github', '--warnings-as-errors'], { cwd: scratch.path });
    expect(gh.status).toBe(1);
    expect(gh.out).toMatch(/^::warning (?:[^:]*)title=PUBLISHED_PORT_SHADOWS_NODE_SERVICE::/m);
  });
});
