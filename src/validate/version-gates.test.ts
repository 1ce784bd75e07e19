import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics/types.js';
import { readComposeFile } from './read-compose.js';

/** One option per schema version that introduced it (docker/cli config_schema_v3.N.json), under `services.web`. */
const INTRODUCED: ReadonlyArray<readonly [minor: number, yaml: string, field: string]> = [
  [2, 'deploy: {endpoint_mode: vip}', 'services.web.deploy Additional property endpoint_mode is not allowed'],
  [3, 'configs: [app]', 'services.web Additional property configs is not allowed'],
  [4, 'healthcheck: {start_period: 5s}', 'services.web.healthcheck Additional property start_period is not allowed'],
  [5, 'isolation: default', 'services.web Additional property isolation is not allowed'],
  [6, 'volumes: [{type: tmpfs, target: /t, tmpfs: {size: 1}}]', 'services.web.volumes.0 Additional property tmpfs is not allowed'],
  [7, 'init: true', 'services.web Additional property init is not allowed'],
  [8, 'deploy: {placement: {max_replicas_per_node: 1}}', 'services.web.deploy.placement Additional property max_replicas_per_node is not allowed'],
  [9, 'deploy: {resources: {limits: {pids: 10}}}', 'services.web.deploy.resources.limits Additional property pids is not allowed'],
  [12, 'healthcheck: {start_interval: 1s}', 'services.web.healthcheck Additional property start_interval is not allowed'],
  [13, 'oom_score_adj: 100', 'services.web Additional property oom_score_adj is not allowed'],
];

function messages(version: string, option: string): string[] {
  const text = `version: "${version}"\nservices:\n  web:\n    image: nginx\n    ${option}\n`;
  const sink = new DiagnosticSink();
  readComposeFile('stack.yml', { readFile: () => Buffer.from(text), env: {} }, sink);
  return sink.items.map((d) => d.message);
}

describe('schema version gates', () => {
  it.each(INTRODUCED)('3.%i introduces %s', (minor, option, rejected) => {
    expect(messages(`3.${minor - 1}`, option)).toEqual([rejected]);
    expect(messages(`3.${minor}`, option)).toEqual([]);
    expect(messages('3.13', option)).toEqual([]);
  });
  it('3.1 introduces secrets, 3.3 configs, at the top level too', () => {
    const top = (v: string, key: string) => {
      const sink = new DiagnosticSink();
      readComposeFile('s.yml', { readFile: () => Buffer.from(`version: "${v}"\n${key}: {}\n`), env: {} }, sink);
      return sink.items.map((d) => d.message);
    };
    expect(top('3.0', 'secrets')).toEqual(['(root) Additional property secrets is not allowed']);
    expect(top('3.1', 'secrets')).toEqual([]);
    expect(top('3.2', 'configs')).toEqual(['(root) Additional property configs is not allowed']);
    expect(top('3.3', 'configs')).toEqual([]);
  });
});
