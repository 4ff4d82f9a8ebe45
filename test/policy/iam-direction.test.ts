import { describe, expect, it } from 'vitest';
import { assessSecurityChange } from '../../src/policy/security-direction.js';

const doc = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const READ = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' };
const policy = (text: string) => ({ name: 'p', policy: text });
const assess = (before: string, after: string) =>
  assessSecurityChange('aws_iam_role_policy', policy(before), policy(after))!;

describe('IAM security direction', () => {
  it('widening: a new action, `*` in Action or Resource, NotAction, a removed condition', () => {
    expect(assess(doc(READ), doc(READ, { ...READ, Action: 's3:PutObject' }))).toEqual({
      direction: 'widening',
      explanation:
        'the change granted a new action: s3:putobject on arn:aws:s3:::data/* (policy p); reverting would take it away',
    });
    expect(assess(doc(READ), doc({ ...READ, Action: 's3:*' })).explanation).toMatch(
      /^the change granted `\*` in Action: s3:\*/,
    );
    expect(assess(doc(READ), doc({ ...READ, Resource: '*' })).explanation).toMatch(
      /^the change granted `\*` in Resource/,
    );
    expect(
      assess(doc(READ), doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).explanation,
    ).toMatch(/^the change granted NotAction: every action except iam:\*/);
    const conditioned = { ...READ, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    expect(assess(doc(conditioned), doc(READ)).explanation).toMatch(
      /^the change granted a removed condition/,
    );
  });

  it('widening: a broader principal in a trust policy', () => {
    const trust = (principal: unknown) =>
      doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
    const result = assessSecurityChange(
      'aws_iam_role',
      { assume_role_policy: trust({ AWS: 'arn:aws:iam::111111111111:role/ci' }) },
      { assume_role_policy: trust({ AWS: '111111111111' }) },
    );
    expect(result?.direction).toBe('widening');
    expect(result?.explanation).toMatch(/^the change granted a broader principal/);
  });

  it('narrowing: an action taken away, or a Deny added; reverting grants it again', () => {
    expect(assess(doc(READ, { ...READ, Action: 's3:PutObject' }), doc(READ))).toEqual({
      direction: 'narrowing',
      explanation: 'reverting would grant again s3:putobject on arn:aws:s3:::data/* (policy p)',
    });
    expect(assess(doc(READ), doc(READ, { ...READ, Effect: 'Deny' })).direction).toBe('narrowing');
  });

  it('neutral when the documents grant the same, however written', () => {
    expect(assess(doc(READ), doc({ ...READ, Action: ['s3:GetObject'] })).direction).toBe('neutral');
  });

  it('a detached policy is narrowing, an attached one widening', () => {
    const attachment = { role: 'app', policy_arn: 'arn:aws:iam::1:policy/x' };
    expect(
      assessSecurityChange('aws_iam_role_policy_attachment', attachment, null)?.direction,
    ).toBe('narrowing');
    expect(
      assessSecurityChange(
        'aws_iam_role',
        { managed_policy_arns: [] },
        { managed_policy_arns: ['arn:aws:iam::1:policy/x'] },
      )?.direction,
    ).toBe('widening');
  });
});
