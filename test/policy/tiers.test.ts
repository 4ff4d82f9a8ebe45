import { describe, expect, it } from 'vitest';
import { decideTier } from '../../src/policy/tiers.js';

const subject = (environment: string, type: string, address = `${type}.x`) => ({
  stack: 's',
  environment,
  type,
  address,
});

describe('tiers', () => {
  it('applies the built-in floors: dev 1, staging 2, security groups and IAM 2, core prod 3', () => {
    expect(decideTier(subject('dev', 'aws_instance'), []).tier).toBe(1);
    expect(decideTier(subject('staging', 'aws_instance'), []).tier).toBe(2);
    expect(decideTier(subject('dev', 'aws_security_group'), [])).toEqual({
      tier: 2,
      reason: 'built-in rule: security group or IAM',
    });
    expect(decideTier(subject('prod', 'aws_vpc'), []).tier).toBe(3);
    expect(decideTier(subject('prod', 'aws_db_instance'), []).tier).toBe(3);
    expect(decideTier(subject('prod', 'aws_instance'), []).tier).toBe(2);
  });

  it('takes the strictest matching rule, so a rule can only raise the floor', () => {
    const rules = [
      {
        match: { address: 'aws_instance.bastion' },
        tier: 3 as const,
        reason: 'bastion is sensitive',
      },
    ];
    expect(decideTier(subject('dev', 'aws_instance', 'aws_instance.bastion'), rules)).toEqual({
      tier: 3,
      reason: 'tiers.rules[0]: bastion is sensitive',
    });
    const lower = [{ match: { environment: 'prod' }, tier: 1 as const }];
    expect(decideTier(subject('prod', 'aws_vpc'), lower).tier).toBe(3);
  });

  it('lets a repository replace the defaults, and falls back to review (2) when nothing matches', () => {
    const rules = [{ match: { environment: 'prod', type: 'aws_vpc' }, tier: 1 as const }];
    expect(decideTier(subject('prod', 'aws_vpc'), rules, false).tier).toBe(1);
    expect(decideTier(subject('qa', 'aws_instance'), [], false)).toEqual({
      tier: 2,
      reason: 'no tier rule matched (default)',
    });
  });
});
