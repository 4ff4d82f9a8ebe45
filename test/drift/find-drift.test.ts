import { describe, expect, it } from 'vitest';
import { findDrift } from '../../src/drift/build.js';
import { globMatcher } from '../../src/drift/glob.js';

const group = (cidrs: string[]) => ({
  name: 'web',
  ingress: [
    {
      protocol: 'tcp',
      from_port: 22,
      to_port: 22,
      cidr_blocks: cidrs,
      ipv6_cidr_blocks: [],
      prefix_list_ids: [],
      security_groups: [],
      self: false,
      description: '',
    },
  ],
});

const input = (recorded: unknown, live: unknown) => ({
  stack: 's',
  address: 'aws_security_group.web',
  type: 'aws_security_group',
  action: 'update' as const,
  recorded,
  live,
  sensitivePaths: [],
  source: 'aws' as const,
});

describe('findDrift (the scan path)', () => {
  it('is null for an unchanged resource: no drift, nothing to assess', () => {
    expect(findDrift(input(group(['10.0.0.0/16']), group(['10.0.0.0/16'])))).toBeNull();
  });

  it('a changed group is a drift with its exposure assessed (IPv4 and IPv6 CIDRs)', () => {
    const widened = findDrift(input(group(['10.0.0.0/16']), group(['10.0.0.0/16', '0.0.0.0/0'])));
    expect(widened?.security?.direction).toBe('widening');
    const narrowed = findDrift(input(group(['10.0.0.0/8']), group(['10.1.0.0/16'])));
    expect(narrowed?.security?.direction).toBe('narrowing');
    const v6 = findDrift(input(group(['2001:db8::/32']), group(['2001:db8:1::/48'])));
    expect(v6?.security?.direction).toBe('narrowing');
  });

  it('a deleted resource is always a drift', () => {
    expect(findDrift({ ...input(group([]), null), action: 'delete' })?.action).toBe('delete');
  });
});

describe('globMatcher', () => {
  it('matches any of its globs, whole values only', () => {
    const matches = globMatcher(['aws_security_group*', 'aws_vpc']);
    expect(['aws_security_group', 'aws_security_group_rule', 'aws_vpc'].map(matches)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['aws_vpc_endpoint', 'x_aws_vpc'].map(matches)).toEqual([false, false]);
    expect(globMatcher([])('anything')).toBe(false);
  });
});
