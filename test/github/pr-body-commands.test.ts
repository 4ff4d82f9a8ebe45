/**
 * The "Do it by hand" commands of a PR body run as printed: a real shell hands terraform
 * the exact address, whatever the address contains.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TEST_ENVIRONMENT } from '../support/records.js';
import { renderPullRequestBody } from '../../src/github/pr-body.js';
import { planRevert } from '../../src/remediation/revert.js';
import { aDrift } from '../support/drift-builder.js';

const HOSTILE = `aws_vpc.x["$(touch /tmp/driftgate-pwned)'; id \`id\`"]`;

function terraformLines(body: string): string[] {
  const fenced = /### Do it by hand\n\n(`{3,})sh\n([\s\S]*?)\n\1/.exec(body);
  return (fenced?.[2] ?? '').split('\n').filter((line) => line.startsWith('terraform '));
}

describe('PR body commands', () => {
  for (const direction of ['revert', 'codify'] as const)
    it(`${direction}: every terraform command passes the address to terraform intact`, () => {
      const drift = aDrift(HOSTILE, [{ path: ['tags', 'Env'], recorded: 'a', live: 'b' }], {
        direction,
      });
      const body = renderPullRequestBody(TEST_ENVIRONMENT.metadataKey, {
        drift,
        direction,
        tier: 2,
        revert: planRevert(drift, { id: 'vpc-1', region: 'eu-west-1' }),
        codifyDiff: '',
        codifyRefusals: [],
      });
      const lines = terraformLines(body);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const argv = execFileSync('bash', ['-c', `terraform() { printf '%s\\0' "$@"; }; ${line}`])
          .toString('utf8')
          .split('\0')
          .slice(0, -1);
        expect(argv).toEqual([line.split(' ')[1], `-target=${HOSTILE}`]);
      }
    });
});
