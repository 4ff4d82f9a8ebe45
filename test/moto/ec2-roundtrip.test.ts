import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { describeWithMoto, motoEc2 } from '../support/moto.js';

describeWithMoto('moto harness', () => {
  it('creates a VPC and a security group with the real EC2 client and reads them back', async () => {
    const ec2 = motoEc2();
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
    const vpcId = vpc.Vpc!.VpcId!;
    const group = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'Web tier', VpcId: vpcId }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );

    const vpcs = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    expect(vpcs.Vpcs?.[0]?.CidrBlock).toBe('10.42.0.0/16');
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [group.GroupId!] }),
    );
    const web = groups.SecurityGroups?.[0];
    expect(web?.GroupName).toBe('web');
    expect(web?.VpcId).toBe(vpcId);
    expect(web?.IpPermissions).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      }),
    ]);
  });

  it('starts each test file from an empty account (moto is reset between files)', async () => {
    const groups = await motoEc2().send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web'] }] }),
    );
    // The group from the previous test in this file is still here: resets happen per file.
    expect(groups.SecurityGroups?.map((g) => g.GroupName)).toEqual(['web']);
  });
});
