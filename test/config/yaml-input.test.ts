/**
 * Config YAML that is broken or hostile: every problem names .github/driftgate.yml with
 * line and column, and alias bombs are refused quickly instead of expanding.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DriftgateError } from '../../src/errors.js';

const minimal = 'stacks:\n  - name: prod-network\n    dir: envs/prod/network\n';

function errorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DriftgateError);
    return (error as DriftgateError).format();
  }
  throw new Error('expected a DriftgateError');
}

describe('YAML errors in the config', () => {
  it('names the line and column of an alias to an undefined anchor', () => {
    expect(errorOf(`${minimal}    environment: *prod\n`)).toBe(
      '.github/driftgate.yml:4:18: YAML alias *prod names no anchor defined before it',
    );
  });

  it('refuses an alias bomb quickly, naming the file and line', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const name of 'bcdefghi') {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const message = errorOf(`${minimal}x-bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(message).toMatch(/^\.github\/driftgate\.yml:\d+:\d+: YAML aliases expand too much/);
  });

  it('still accepts ordinary anchors and aliases', () => {
    const config = parseConfig(
      'stacks:\n  - name: a\n    dir: envs/a\n    aws: &aws\n      region: eu-west-1\n  - name: b\n    dir: envs/b\n    aws: *aws\n',
    );
    expect(config.stacks[1]!.aws.region).toBe('eu-west-1');
  });

  it('refuses nesting too deep to read, naming the file and position', () => {
    expect(errorOf(`${minimal}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toMatch(
      /^\.github\/driftgate\.yml:\d+:\d+: YAML nested too deeply/,
    );
  });

  it('refuses a self-referencing alias instead of looping', () => {
    expect(errorOf(`${minimal}x: &loop [*loop]\n`)).toMatch(/^\.github\/driftgate\.yml/);
  });

  it('puts a schema error at the line and column of the bad key', () => {
    expect(errorOf(`${minimal}  - name: second\n    dir: 5\n`)).toMatch(
      /^\.github\/driftgate\.yml:5:10: invalid configuration\n {2}stacks\[1\]\.dir: /,
    );
  });
});
