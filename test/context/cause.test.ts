import { describe, expect, it } from 'vitest';
import { attributionOf } from '../../src/cloud/aws/attribution.js';
import { causeClassifier, groupRelatedDrifts } from '../../src/context/cause.js';
import { cloudTrailRecord } from '../support/cloudtrail.js';

const classify = causeClassifier(['terraform-ci']);
const from = (record: Record<string, unknown>) =>
  classify({ attribution: attributionOf(record as never), codeEqualsLive: false });
const base = { resourceId: 'sg-0123456789abcdef0', time: '2026-11-20T10:00:00Z', eventId: 'e1' };

describe('cause of a drift', () => {
  it('an AWS service principal (autoscaling) is automation', () => {
    expect(
      from(cloudTrailRecord({ ...base, kind: 'service', service: 'autoscaling.amazonaws.com' })),
    ).toMatchObject({ cause: 'automation', reason: 'an AWS service (autoscaling.amazonaws.com)' });
  });

  it('a role named as Terraform by its name is terraform; a person who switched role in the console is manual', () => {
    expect(
      from(cloudTrailRecord({ ...base, kind: 'role', role: 'terraform-ci', session: 's' })).cause,
    ).toBe('terraform');
    const console = {
      ...cloudTrailRecord({ ...base, kind: 'role', role: 'terraform-ci', session: 'carol' }),
      sessionCredentialFromConsole: 'true',
    };
    expect(from(console).cause).toBe('manual');
  });

  it('stale state wins over who touched it; no attribution is unknown', () => {
    expect(classify({ attribution: null, codeEqualsLive: true }).cause).toBe('stale-state');
    expect(classify({ attribution: null, codeEqualsLive: false }).cause).toBe('unknown');
  });
});

describe('related drifts across stacks', () => {
  it('groups one CloudTrail event, and one actor within the window, only across stacks', () => {
    const groups = groupRelatedDrifts(
      [
        {
          stack: 'a',
          address: 'x.one',
          eventId: 'ev-1',
          actor: 'alice',
          time: '2026-11-20T10:00:00Z',
          pullRequest: 1,
        },
        {
          stack: 'b',
          address: 'x.two',
          eventId: 'ev-1',
          actor: 'alice',
          time: '2026-11-20T10:00:00Z',
          pullRequest: 2,
        },
        {
          stack: 'a',
          address: 'y.one',
          eventId: 'ev-2',
          actor: 'bob',
          time: '2026-11-20T10:00:00Z',
        },
        {
          stack: 'c',
          address: 'y.two',
          eventId: 'ev-3',
          actor: 'bob',
          time: '2026-11-20T10:09:00Z',
        },
        {
          stack: 'd',
          address: 'y.late',
          eventId: 'ev-4',
          actor: 'bob',
          time: '2026-11-20T11:00:00Z',
        },
        {
          stack: 'a',
          address: 'z.one',
          eventId: 'ev-5',
          actor: 'carol',
          time: '2026-11-20T10:00:00Z',
        },
        {
          stack: 'a',
          address: 'z.two',
          eventId: 'ev-6',
          actor: 'carol',
          time: '2026-11-20T10:01:00Z',
        },
      ],
      15,
    );
    expect(
      groups.map((group) => [group.key, group.members.map((member) => member.address)]),
    ).toEqual([
      ['CloudTrail event ev-1', ['x.one', 'x.two']],
      ['bob within 15 min', ['y.one', 'y.two']],
    ]);
  });
});
