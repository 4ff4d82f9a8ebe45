/**
 * Commit trailers are the audit trail `git log` and `driftgate blame` read: a value from
 * state, a plan or CloudTrail must not be able to add or change one. Checked with git's
 * own trailer parser.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitLine, commitTrailers, renderTrailers } from '../../src/remediation/ledger.js';
import { aDrift } from '../support/drift-builder.js';

/** The trailers git finds in a commit message, as `Key: value` lines. */
function gitTrailers(message: string): string[] {
  return execFileSync('git', ['interpret-trailers', '--parse'], {
    input: message,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

describe('commit trailers', () => {
  it('keeps a hostile for_each key on its own line: no forged Drift-Tier or Drift-Actor', () => {
    const address = 'aws_instance.web["a\nDrift-Tier: 1\r\nDrift-Actor: root"]';
    const drift = aDrift(address, [
      { path: ['instance_type'], recorded: 't3.small', live: 't3.large' },
    ]);
    const message = `driftgate: revert drift on ${commitLine(address)}\n\n${commitTrailers(drift, 'revert', 3)}\n`;

    const trailers = gitTrailers(message);
    expect(trailers.filter((line) => line.startsWith('Drift-Tier:'))).toEqual(['Drift-Tier: 3']);
    expect(trailers.filter((line) => line.startsWith('Drift-Actor:'))).toEqual([
      'Drift-Actor: unknown',
    ]);
    // The address is still there, whole and greppable, with its line breaks escaped.
    expect(trailers).toContain(
      'Drift-Address: aws_instance.web["a\\nDrift-Tier: 1\\u000d\\nDrift-Actor: root"]',
    );
    expect(message.split('\n')[0]).toBe(
      'driftgate: revert drift on aws_instance.web["a\\nDrift-Tier: 1\\u000d\\nDrift-Actor: root"]',
    );
  });

  it('leaves ordinary addresses exactly as Terraform writes them', () => {
    expect(
      renderTrailers([
        ['Drift-Address', 'module.net.aws_security_group.web["blue/green"]'],
        ['Drift-Tier', 2],
      ]),
    ).toBe('Drift-Address: module.net.aws_security_group.web["blue/green"]\nDrift-Tier: 2');
  });
});
