/**
 * A security group rule managed as its own resource (`aws_vpc_security_group_ingress_rule`)
 * changed by hand is put back in place with `ModifySecurityGroupRules` on the same rule id,
 * as the provider's update does — and `driftgate undo` sends the exact inverse. moto
 * implements ModifySecurityGroupRules for IPv4 CIDR rules (protocol, ports, CIDR,
 * description), which is what this exercises.
 */
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  ModifySecurityGroupRulesCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCliConfirmed } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { v4State } from '../support/state-builder.js';

describeWithMoto('reverting a rule resource in place', () => {
  const ec2 = motoEc2();
  let dir: string;
  let groupId: string;
  let ruleId: string;
  const flags = () => [
    '--endpoint-url',
    motoEndpoint(),
    '--region',
    'us-east-1',
    '--config',
    join(dir, '.github', 'driftgate.yml'),
  ];
  const cli = runCliConfirmed;
  const liveRule = async () => {
    const rule = (
      await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))
    ).SecurityGroupRules![0]!;
    return `${rule.SecurityGroupRuleId} ${rule.IpProtocol}/${rule.FromPort} ${rule.CidrIpv4} ${JSON.stringify(rule.Description ?? '')}`;
  };

  beforeAll(async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.12.0.0/16' }))).Vpc!.VpcId!;
    groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'api', Description: 'API', VpcId: vpcId }),
      )
    ).GroupId!;
    ruleId = (
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 443,
              ToPort: 443,
              IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'https' }],
            },
          ],
        }),
      )
    ).SecurityGroupRules![0]!.SecurityGroupRuleId!;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-rule-resource-'));
    await mkdir(join(dir, '.github'));
    await writeFile(
      join(dir, '.github', 'driftgate.yml'),
      'stacks:\n  - name: api\n    dir: .\n    environment: staging\nattribution:\n  source: off\n',
    );
    await writeFile(
      join(dir, 'main.tf'),
      'resource "aws_vpc_security_group_ingress_rule" "https" {\n  security_group_id = "sg"\n  ip_protocol       = "tcp"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = "10.0.0.0/8"\n  description       = "https"\n}\n',
    );
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State([
        {
          type: 'aws_vpc_security_group_ingress_rule',
          name: 'https',
          attributes: {
            id: ruleId,
            security_group_rule_id: ruleId,
            security_group_id: groupId,
            ip_protocol: 'tcp',
            from_port: 443,
            to_port: 443,
            cidr_ipv4: '10.0.0.0/8',
            cidr_ipv6: null,
            prefix_list_id: null,
            referenced_security_group_id: null,
            description: 'https',
            tags: null,
            tags_all: {},
          },
        },
      ]),
    );
  });

  it('reverts a widened rule with ModifySecurityGroupRules, and undo widens it again exactly', async () => {
    await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: groupId,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: {
              IpProtocol: 'tcp',
              FromPort: 443,
              ToPort: 443,
              CidrIpv4: '0.0.0.0/0',
              Description: 'temp: vendor',
            },
          },
        ],
      }),
    );
    const address = 'aws_vpc_security_group_ingress_rule.https';
    const reverted = await cli(['revert', dir, '--address', address, '--yes', ...flags()]);
    expect(reverted.err).toBe('');
    expect(reverted.code).toBe(0);
    expect(reverted.out).toContain(
      `1. put rule ${ruleId} back as recorded: tcp/443 10.0.0.0/8 ("https") on ${groupId} (ModifySecurityGroupRules)`,
    );
    expect(reverted.out).not.toContain('not by API');
    expect(reverted.out).toContain('verification: verified: live now shows no drift');
    // The same rule id, changed in place: not revoked and re-created.
    expect(await liveRule()).toBe(`${ruleId} tcp/443 10.0.0.0/8 "https"`);

    const ledgerDir = join(dir, '.driftgate', 'ledger', 'api');
    const [record] = await readdir(ledgerDir);
    const undone = await cli(['undo', join(ledgerDir, record!), dir, '--yes', ...flags()]);
    expect(undone.err).toBe('');
    expect(undone.out).toContain(
      `1. set rule ${ruleId} of ${groupId} to tcp/443 0.0.0.0/0 ("temp: vendor") (ModifySecurityGroupRules)`,
    );
    expect(undone.out).toContain(`$ aws ec2 modify-security-group-rules --cli-input-json '`);
    expect(undone.out).toMatch(/verification: verified: live now shows drift [0-9a-f]{16}/);
    expect(await liveRule()).toBe(`${ruleId} tcp/443 0.0.0.0/0 "temp: vendor"`);
  });
});
