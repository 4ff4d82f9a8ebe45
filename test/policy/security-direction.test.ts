import { describe, expect, it } from 'vitest';
import { decideDirection } from '../../src/policy/direction.js';
import { assessSecurityChange } from '../../src/policy/security-direction.js';
import { buildDrift } from '../../src/drift/build.js';
import { setPredicateFor } from '../../src/providers/aws/schema.js';
import { ruleBlock } from '../support/state-builder.js';

const group = (
  ingress: Parameters<typeof ruleBlock>[0][],
  egress: Parameters<typeof ruleBlock>[0][] = [],
) => ({
  ingress: ingress.map(ruleBlock),
  egress: egress.map(ruleBlock),
});
const ssh = (cidrs: string[]) => ({
  protocol: 'tcp',
  from_port: 22,
  to_port: 22,
  cidr_blocks: cidrs,
});

describe('security direction', () => {
  it('a new ingress source is widening', () => {
    const result = assessSecurityChange(
      'aws_security_group',
      group([ssh(['10.0.0.0/8'])]),
      group([ssh(['10.0.0.0/8', '0.0.0.0/0'])]),
    );
    expect(result).toEqual({
      direction: 'widening',
      explanation:
        'the change opened tcp/22 from 0.0.0.0/0 (the internet); reverting would close it',
    });
  });

  it('a broader CIDR is widening; a narrower one is narrowing and says what reverting re-opens', () => {
    expect(
      assessSecurityChange(
        'aws_security_group',
        group([ssh(['10.1.0.0/16'])]),
        group([ssh(['10.0.0.0/8'])]),
      )!.direction,
    ).toBe('widening');
    expect(
      assessSecurityChange(
        'aws_security_group',
        group([ssh(['0.0.0.0/0'])]),
        group([ssh(['10.0.0.0/8'])]),
      ),
    ).toEqual({
      direction: 'narrowing',
      explanation: 'reverting would re-open tcp/22 from 0.0.0.0/0 (the internet)',
    });
  });

  it('a larger port range or all protocols is widening', () => {
    const web = { protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.0.0.0/8'] };
    expect(
      assessSecurityChange(
        'aws_security_group',
        group([web]),
        group([{ ...web, from_port: 0, to_port: 65535 }]),
      )!.direction,
    ).toBe('widening');
    expect(
      assessSecurityChange(
        'aws_security_group',
        group([web]),
        group([{ ...web, protocol: '-1', from_port: 0, to_port: 0 }]),
      )!.direction,
    ).toBe('widening');
  });

  it('removing a rule is narrowing; a swap is mixed; a description edit is neutral', () => {
    const web = { protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] };
    expect(
      assessSecurityChange('aws_security_group', group([web, ssh(['0.0.0.0/0'])]), group([web]))!
        .direction,
    ).toBe('narrowing');
    expect(
      assessSecurityChange('aws_security_group', group([ssh(['10.0.0.0/8'])]), group([web]))!
        .direction,
    ).toBe('mixed');
    expect(
      assessSecurityChange(
        'aws_security_group',
        group([ssh(['10.0.0.0/8'])]),
        group([{ ...ssh(['10.0.0.0/8']), description: 'x' }]),
      )!.direction,
    ).toBe('neutral');
  });

  it('egress is assessed too, and IPv6 CIDRs are compared as prefixes', () => {
    const out = (cidrs: string[]) => ({
      protocol: '-1',
      from_port: 0,
      to_port: 0,
      ipv6_cidr_blocks: cidrs,
    });
    const result = assessSecurityChange(
      'aws_security_group',
      group([], [out(['2001:db8::/32'])]),
      group([], [out(['::/0'])]),
    );
    expect(result!.explanation).toBe(
      'the change opened all traffic out to ::/0 (the internet); reverting would close it',
    );
  });

  it('a deleted rule resource is narrowing: reverting re-creates it', () => {
    const rule = {
      type: 'ingress',
      protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      cidr_blocks: ['10.0.0.0/16'],
    };
    expect(assessSecurityChange('aws_security_group_rule', rule, null)!.explanation).toBe(
      'reverting would re-open tcp/5432 from 10.0.0.0/16',
    );
    const vpcRule = { ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' };
    expect(
      assessSecurityChange('aws_vpc_security_group_egress_rule', null, vpcRule)!.explanation,
    ).toBe(
      'the change opened all traffic out to 0.0.0.0/0 (the internet); reverting would close it',
    );
  });

  it('has nothing to say about resources without rules', () => {
    expect(assessSecurityChange('aws_vpc', { cidr_block: 'a' }, { cidr_block: 'b' })).toBeNull();
  });
});

describe('default remediation direction', () => {
  const drift = (recorded: object, live: object, type = 'aws_security_group') =>
    buildDrift({
      stack: 's',
      address: `${type}.x`,
      type,
      action: 'update',
      recorded,
      live,
      sensitivePaths: [],
      isSet: setPredicateFor(type),
      source: 'aws',
    });

  it('codifies a change that narrowed exposure, because reverting would re-open the hole', () => {
    const decision = decideDirection(
      drift(group([ssh(['0.0.0.0/0'])]), group([ssh(['10.0.0.0/8'])])),
      'driftgate:hotfix',
    );
    expect(decision).toEqual({
      direction: 'codify',
      reason:
        'the manual change narrowed exposure: reverting would re-open tcp/22 from 0.0.0.0/0 (the internet)',
    });
  });

  it('reverts a widening change', () => {
    expect(
      decideDirection(
        drift(group([ssh(['10.0.0.0/8'])]), group([ssh(['0.0.0.0/0'])])),
        'driftgate:hotfix',
      ).direction,
    ).toBe('revert');
  });

  it('codifies a change carrying the configured hotfix tag', () => {
    const tagged = drift(
      { instance_type: 't3.micro', tags: {} },
      { instance_type: 't3.large', tags: { 'ops:hotfix': 'INC-123' } },
      'aws_instance',
    );
    expect(decideDirection(tagged, 'ops:hotfix')).toEqual({
      direction: 'codify',
      reason: 'the resource carries the hotfix tag "ops:hotfix"',
    });
    expect(decideDirection(tagged, 'driftgate:hotfix').direction).toBe('revert');
  });
});
