import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/github/commands.js';
import { configSchema } from '../../src/config/schema.js';
import { assignmentForNewDrift, holdActive, pickLearner } from '../../src/context/training.js';

describe('training mode, pure parts', () => {
  it('/driftgate handson takes one GitHub login (with or without @), or none', () => {
    expect(parseCommand('/driftgate handson @bob')).toEqual({ kind: 'handson', login: 'bob' });
    expect(parseCommand('/driftgate handson')).toEqual({ kind: 'handson', login: undefined });
    expect(parseCommand('/driftgate handson @bob;rm')).toMatchObject({ kind: 'unknown' });
    expect(parseCommand('/driftgate handson @a @b')).toMatchObject({ kind: 'unknown' });
  });

  it('the least-loaded learner wins; ties go to the first listed', () => {
    expect(pickLearner(['alice', 'bob'], [])).toBe('alice');
    expect(pickLearner(['alice', 'bob'], ['alice'])).toBe('bob');
    expect(pickLearner(['alice', 'bob'], ['alice', 'bob', 'bob'])).toBe('alice');
  });

  it('only matching stacks and tiers are assigned, with the hold from the config', () => {
    const { training } = configSchema.parse({
      stacks: [{ name: 'dev-a', dir: '.', environment: 'dev' }],
      training: {
        learners: [{ github: 'alice', aws: ['alice'] }],
        stacks: ['dev-*'],
        hold_hours: 2,
      },
    });
    const now = new Date('2025-01-01T00:00:00Z');
    expect(assignmentForNewDrift(training, { stack: 'dev-a' }, 1, [], now)).toEqual({
      learner: 'alice',
      holdUntil: '2025-01-01T02:00:00.000Z',
    });
    expect(assignmentForNewDrift(training, { stack: 'prod-a' }, 1, [], now)).toBeUndefined();
    expect(assignmentForNewDrift(training, { stack: 'dev-a' }, 2, [], now)).toBeUndefined();
    expect(holdActive({ hold_until: '2025-01-01T02:00:00.000Z' }, now)).toBe(true);
    expect(
      holdActive({ hold_until: '2025-01-01T02:00:00.000Z' }, new Date('2025-01-01T03:00:00Z')),
    ).toBe(false);
  });

  it('a learner without AWS identities, or tier 3, is refused by the config schema', () => {
    const base = { stacks: [{ name: 'a', dir: '.', environment: 'dev' }] };
    expect(
      configSchema.safeParse({ ...base, training: { learners: [{ github: 'alice', aws: [] }] } })
        .success,
    ).toBe(false);
    expect(
      configSchema.safeParse({
        ...base,
        training: { learners: [{ github: 'alice', aws: ['alice'] }], tiers: [3] },
      }).success,
    ).toBe(false);
  });
});
