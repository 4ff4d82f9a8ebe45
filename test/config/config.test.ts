import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderConfigJsonSchema } from '../../src/config/json-schema.js';
import { loadConfigFile, parseConfig } from '../../src/config/load.js';
import { DriftgateError } from '../../src/errors.js';

const minimal = 'stacks:\n  - name: prod-network\n    dir: envs/prod/network\n';

function errorOf(text: string): string {
  try {
    parseConfig(text, '.github/driftgate.yml');
  } catch (error) {
    return (error as DriftgateError).format();
  }
  throw new Error('expected the config to be rejected');
}

describe('config (.github/driftgate.yml)', () => {
  it('fills defaults for a minimal config', () => {
    const config = parseConfig(minimal);
    expect(config.schedule).toBe('0 */6 * * *');
    expect(config.stacks[0]).toEqual({
      name: 'prod-network',
      dir: 'envs/prod/network',
      environment: 'default',
      workspace: 'default',
      source: 'aws',
      aws: {},
    });
    expect(config.tiers).toEqual({ rules: [], use_defaults: true });
    expect(config.limits.prs_per_hour).toBe(10);
    expect(config.hotfix_tag).toBe('driftgate:hotfix');
  });

  it('reads the example config', async () => {
    const config = await loadConfigFile('examples/.github/driftgate.yml');
    expect(config.stacks[0]).toMatchObject({
      name: 'prod-network',
      environment: 'prod',
      aws: { region: 'eu-west-1' },
    });
    expect(config.ignore[0]!.attributes).toContain('tags.LastAudit');
  });

  it('names the path of a bad key', () => {
    expect(errorOf(`${minimal}    aws:\n      role: not-an-arn\n`)).toContain(
      'stacks[0].aws.role: expected an IAM role ARN',
    );
    expect(
      errorOf(`${minimal}tiers:\n  rules:\n    - match: { environment: dev }\n      tier: 4\n`),
    ).toContain('tiers.rules[0].tier');
    expect(errorOf(`${minimal}ignore:\n  - address: x\n    until: next week\n`)).toContain(
      'ignore[0].until: expected a date as YYYY-MM-DD',
    );
  });

  it('keeps every stack dir (and local state file) inside the repository, naming the key', () => {
    const stacks = (dir: string, extra = '') =>
      `stacks:\n  - name: a\n    dir: ok\n  - name: b\n    dir: also/ok\n  - name: c\n    dir: "${dir}"\n${extra}`;
    expect(errorOf(stacks('../../etc'))).toBe(
      '.github/driftgate.yml:7:10: invalid configuration\n  stacks[2].dir: must stay inside the repository: "../../etc" has a ".." segment',
    );
    expect(errorOf(stacks('envs/../../x'))).toContain(
      'stacks[2].dir: must stay inside the repository',
    );
    expect(errorOf(stacks('/etc'))).toContain(
      'stacks[2].dir: must be relative to the repository root, not absolute: "/etc"',
    );
    expect(errorOf(stacks('C:\\\\Windows'))).toContain('stacks[2].dir: must be relative');
    expect(errorOf(stacks('x', '    state: /home/me/.aws/credentials\n'))).toContain(
      'stacks[2].state: must be relative to the repository root, not absolute',
    );
    // Names that merely contain dots, the root itself, and S3 state stay valid.
    expect(() => parseConfig(stacks('envs/..prod/x..y'))).not.toThrow();
    expect(() => parseConfig(stacks('.', '    state: s3://bucket/../key\n'))).not.toThrow();
  });

  it('rejects a schedule cron cannot read', () => {
    expect(errorOf(`${minimal}schedule: "61 * * * *"\n`)).toContain(
      'schedule: not a valid cron expression',
    );
    expect(parseConfig(`${minimal}schedule: "15 3 * * 1-5"\n`).schedule).toBe('15 3 * * 1-5');
  });

  it('rejects unknown keys (a typo must not silently disable a rule)', () => {
    expect(errorOf(`${minimal}ignores:\n  - address: x\n`)).toMatch(
      /\(top level\): Unrecognized key.*ignores/,
    );
  });

  it('rejects duplicate stack names and an empty stack list', () => {
    expect(errorOf(`${minimal}  - name: prod-network\n    dir: other\n`)).toContain(
      'stacks[1].name: duplicate stack name "prod-network"',
    );
    expect(errorOf('stacks: []\n')).toContain('stacks: list at least one stack');
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(errorOf('stacks:\n  - name: a\n    dir: [unclosed\n')).toMatch(
      /^\.github\/driftgate\.yml:\d+:\d+: YAML syntax error/,
    );
  });

  it('keeps the committed JSON Schema in step with the zod schema (run npm run schema)', async () => {
    const committed = await readFile('schema/driftgate.schema.json', 'utf8');
    expect(committed).toBe(renderConfigJsonSchema());
    const schema = JSON.parse(committed);
    expect(schema.required).toEqual(['stacks']);
    expect(schema.additionalProperties).toBe(false);
  });
});
