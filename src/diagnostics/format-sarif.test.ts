/**
 * SARIF output checked against the SARIF 2.1.0 JSON schema that @microsoft/jest-sarif
 * ships (sarif-2.1.0-rtm.5.json, MIT; a devDependency used for this file only).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { formatSarif } from './format-sarif.js';
import type { Diagnostic } from './types.js';

const require = createRequire(import.meta.url);

/**
 * The schema is draft-04, which Ajv 8 does not load; its only draft-04-specific
 * keyword is the root `id`, so renaming it to `$id` gives the same schema in draft-07.
 */
function sarifValidator() {
  const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>;
  const { id, $schema: _draft, ...rest } = schema;
  expect(JSON.stringify(rest)).not.toMatch(/"exclusiveM(in|ax)imum":\s*(true|false)/);
  // unicodeRegExp off: the schema's `language` pattern has a stray ']' that only
  // non-unicode regular expressions accept (as JSON Schema draft-04 validators did).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv-formats is CommonJS: under NodeNext its callable export is `.default`.
  formats.default(ajv);
  return ajv.compile({ $id: String(id), ...rest });
}
const validate = sarifValidator();

const portConflict: Diagnostic = {
  code: 'PORT_CONFLICT',
  severity: 'error',
  message: 'port 8080/tcp is already in use by service web',
  loc: { file: '/repo/stacks/my stack.yml', line: 9, col: 11, endLine: 9, endCol: 20 },
  notes: [
    { message: 'first published here', loc: { file: '/repo/stacks/my stack.yml', line: 4, col: 11 } },
    { message: 'docker would reject the deploy' },
  ],
};
const hostIp: Diagnostic = { code: 'PORT_HOST_IP_IGNORED', severity: 'warning', message: 'host IP dropped', loc: { file: 'a#b.yml', line: 2, col: 3 } };
const usage: Diagnostic = { code: 'USAGE', severity: 'error', message: 'no stack file given' };

function sarifOf(items: readonly Diagnostic[]) {
  const text = formatSarif(items, { toolVersion: '1.2.3', cwd: '/repo' });
  return { text, log: JSON.parse(text) };
}

describe('formatSarif', () => {
  it('produces a log the SARIF 2.1.0 schema accepts', () => {
    const { log } = sarifOf([portConflict, hostIp, usage]);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const { log } = sarifOf([portConflict]);
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
  });

  it('lists each used code once as a rule, sorted, and results point at their rule', () => {
    const { log } = sarifOf([usage, portConflict, hostIp, portConflict]);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['PORT_CONFLICT', 'PORT_HOST_IP_IGNORED', 'USAGE']);
    expect(run.tool.driver.version).toBe('1.2.3');
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'error', 'warning', 'error']);
  });

  it('gives relative, percent-encoded URIs with line and column regions', () => {
    const { log } = sarifOf([portConflict, hostIp]);
    const [first, second] = log.runs[0].results;
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'stacks/my%20stack.yml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 9, startColumn: 11, endLine: 9, endColumn: 20 },
    });
    expect(second.locations[0].physicalLocation.artifactLocation.uri).toBe('a%23b.yml');
  });

  it('turns located notes into related locations and keeps the others in the message', () => {
    const { log } = sarifOf([portConflict]);
    const result = log.runs[0].results[0];
    expect(result.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'first published here' },
        physicalLocation: { artifactLocation: { uri: 'stacks/my%20stack.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 11 } },
      },
    ]);
    expect(result.message.text).toBe('port 8080/tcp is already in use by service web\nnote: docker would reject the deploy');
  });

  it('omits locations for diagnostics without a position and never writes the absolute cwd', () => {
    const { text, log } = sarifOf([usage]);
    expect(log.runs[0].results[0].locations).toBeUndefined();
    expect(text).not.toContain('/repo');
  });

  it('is a valid, empty log when there is nothing to report', () => {
    const { log } = sarifOf([]);
    expect(log.runs[0].results).toEqual([]);
    expect(validate(log)).toBe(true);
  });
});
