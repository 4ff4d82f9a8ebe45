import { describe, expect, it } from 'vitest';
import { guardVerdict, type RevertedDrift } from '../../src/app/guard-verdict.js';

const drift = (over: Partial<RevertedDrift> = {}): RevertedDrift => ({
  stack: 'net',
  address: 'aws_security_group.web',
  tier: 2,
  narrowing: false,
  hotfix: false,
  pullRequest: { number: 12, state: 'open', direction: 'revert' },
  ...over,
});
const input = (reverted: RevertedDrift[], extra = {}) => ({
  stacks: ['net'],
  reverted,
  blockTiers: [3] as const,
  waitingForPlan: [],
  problems: [],
  ...extra,
});

describe('guardVerdict', () => {
  it('success with nothing reverted; neutral for an ordinary drift; failure for narrowing, hotfix or a blocked tier', () => {
    expect(guardVerdict(input([])).conclusion).toBe('success');
    expect(guardVerdict(input([drift()])).conclusion).toBe('neutral');
    expect(guardVerdict(input([drift({ narrowing: true })])).conclusion).toBe('failure');
    expect(guardVerdict(input([drift({ hotfix: true })])).conclusion).toBe('failure');
    expect(guardVerdict(input([drift({ tier: 3 })])).conclusion).toBe('failure');
    expect(guardVerdict(input([drift({ tier: 3 })], { blockTiers: [] })).conclusion).toBe(
      'neutral',
    );
  });

  it('says what to do and offers to codify a blocking revert PR, at most three buttons', () => {
    const verdict = guardVerdict(
      input(
        [1, 2, 3, 4].map((number) =>
          drift({
            hotfix: true,
            address: `aws_vpc.v${number}`,
            pullRequest: { number, state: 'open', direction: 'revert' },
          }),
        ),
      ),
    );
    expect(verdict.summary).toContain('codify first: comment `/driftgate codify` on #1');
    expect(verdict.actions.map((action) => action.identifier)).toEqual([
      'codify-1',
      'codify-2',
      'codify-3',
    ]);
  });

  it("escapes addresses from the cloud and waits for a plan-fed stack's plan", () => {
    const verdict = guardVerdict(input([], { waitingForPlan: ['plans'] }));
    expect(verdict.conclusion).toBe('pending');
    const escaped = guardVerdict(input([drift({ address: 'aws_vpc.x`|<img>', narrowing: true })]));
    const row = escaped.summary.split('\n').find((line) => line.includes('aws_vpc.x'))!;
    // The cloud's `|` cannot add a table column: six cells, as the header has.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(6);
  });
});
