/**
 * Each normalisation below removes a false positive the AWS provider would not show:
 * a named test per normaliser, as driftctl's middlewares taught.
 */
import { describe, expect, it } from 'vitest';
import {
  atomsFromBlocks,
  atomsFromPermissions,
  blocksFromAtoms,
  normaliseProtocol,
} from '../../../src/providers/aws/security-group-rules.js';
import { naclProtocol } from '../../../src/providers/aws/network-acl.js';
import { userDataHash } from '../../../src/providers/aws/instance.js';
import { ruleBlock } from '../../support/state-builder.js';

const group = { id: 'sg-self', ownerId: '111111111111' };

describe('security group rule normalisers', () => {
  it('protocol spellings: -1/all, numbers and upper case mean the same protocol', () => {
    expect(['-1', 'all', 'ALL', -1].map(normaliseProtocol)).toEqual(['-1', '-1', '-1', '-1']);
    expect(['6', 'tcp', 'TCP', 6].map(normaliseProtocol)).toEqual(['tcp', 'tcp', 'tcp', 'tcp']);
    expect(normaliseProtocol('17')).toBe('udp');
    expect(normaliseProtocol('132')).toBe('132');
  });

  it('all-protocol rules have ports 0/0 whatever the API or the code says', () => {
    const live = atomsFromPermissions(
      [{ IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      group,
    );
    const recorded = atomsFromBlocks(
      [ruleBlock({ protocol: 'all', from_port: 0, to_port: 65535, cidr_blocks: ['0.0.0.0/0'] })],
      group.ownerId,
    );
    expect(blocksFromAtoms(live)).toEqual(blocksFromAtoms(recorded));
  });

  it('missing description from the API equals "" in state', () => {
    const live = atomsFromPermissions(
      [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
      group,
    );
    expect(live[0]!.description).toBe('');
  });

  it('grouping: one block per protocol, ports and description, sources sorted', () => {
    const live = atomsFromPermissions(
      [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [
            { CidrIp: '10.0.0.0/8', Description: 'a' },
            { CidrIp: '10.1.0.0/16', Description: 'b' },
            { CidrIp: '10.2.0.0/16', Description: 'a' },
          ],
        },
      ],
      group,
    );
    expect(blocksFromAtoms(live).map((block) => [block.description, block.cidr_blocks])).toEqual([
      ['a', ['10.0.0.0/8', '10.2.0.0/16']],
      ['b', ['10.1.0.0/16']],
    ]);
  });

  it('self, same-account groups by id and cross-account groups as UserId/GroupId', () => {
    const live = atomsFromPermissions(
      [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          UserIdGroupPairs: [
            { GroupId: 'sg-self', UserId: '111111111111' },
            { GroupId: 'sg-peer', UserId: '111111111111' },
            { GroupId: 'sg-far', UserId: '222222222222' },
          ],
        },
      ],
      group,
    );
    const [block] = blocksFromAtoms(live);
    expect(block).toMatchObject({
      self: true,
      security_groups: ['222222222222/sg-far', 'sg-peer'],
    });
    const recorded = atomsFromBlocks(
      [
        ruleBlock({
          protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
          self: true,
          security_groups: ['111111111111/sg-peer', '222222222222/sg-far'],
        }),
      ],
      '111111111111',
    );
    expect(blocksFromAtoms(recorded)).toEqual(blocksFromAtoms(live));
  });

  it('NACL protocols are stored as numbers', () => {
    expect(['tcp', '6', 'all', '-1', 'udp'].map(naclProtocol)).toEqual([
      '6',
      '6',
      '-1',
      '-1',
      '17',
    ]);
  });

  it("user_data is compared as the provider's SHA-1 hex", () => {
    // hashlib.sha1(b'#!/bin/sh\necho hi\n').hexdigest(), computed with Python.
    expect(userDataHash('#!/bin/sh\necho hi\n')).toBe('b2b62c101a156f5f12dd7197cf7ae9424164b115');
  });
});
