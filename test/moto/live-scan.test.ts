import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifyInstanceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  RevokeSecurityGroupIngressCommand as Revoke,
  RunInstancesCommand,
  StopInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import {
  securityGroup,
  tags,
  type BuiltResource,
  writeStackFiles,
} from '../support/state-builder.js';

interface Stack {
  dir: string;
  vpcId: string;
  webId: string;
  appId: string;
  instanceId: string;
  metricsRuleId: string;
}

/** Create a small production stack in moto and the state Terraform would have recorded for it. */
async function createStack(ec2: EC2Client): Promise<Stack> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!;
  const vpcId = vpc.VpcId!;
  await ec2.send(
    new CreateTagsCommand({
      Resources: [vpcId],
      Tags: [
        { Key: 'Name', Value: 'main' },
        { Key: 'Team', Value: 'platform' },
      ],
    }),
  );
  const subnet = (
    await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: '10.0.1.0/24',
        AvailabilityZone: 'us-east-1a',
      }),
    )
  ).Subnet!;

  const web = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'Web tier', VpcId: vpcId }),
  );
  const webId = web.GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: webId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS' }],
        },
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [
            { CidrIp: '10.0.0.0/8', Description: 'SSH' },
            { CidrIp: '192.168.0.0/16', Description: 'SSH' },
          ],
        },
      ],
    }),
  );

  const app = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'App tier', VpcId: vpcId }),
  );
  const appId = app.GroupId!;
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: appId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, UserIdGroupPairs: [{ GroupId: webId }] },
        { IpProtocol: 'tcp', FromPort: 9100, ToPort: 9100, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      ],
    }),
  );
  const rules = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [appId] }] }),
  );
  const metricsRuleId = rules.SecurityGroupRules!.find(
    (rule) => rule.FromPort === 9100,
  )!.SecurityGroupRuleId!;
  const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [webId] }));
  const ownerId = groups.SecurityGroups![0]!.OwnerId!;

  const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0]!.ImageId!;
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: image,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnet.SubnetId,
      SecurityGroupIds: [appId],
      UserData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    }),
  );
  const instanceId = run.Instances![0]!.InstanceId!;

  const resources: BuiltResource[] = [
    {
      type: 'aws_vpc',
      name: 'main',
      attributes: {
        id: vpcId,
        cidr_block: '10.0.0.0/16',
        instance_tenancy: 'default',
        enable_dns_support: true,
        enable_dns_hostnames: false,
        ...tags({ Name: 'main' }, { Team: 'platform' }),
      },
    },
    {
      type: 'aws_subnet',
      name: 'app',
      attributes: {
        id: subnet.SubnetId,
        vpc_id: vpcId,
        cidr_block: '10.0.1.0/24',
        availability_zone: 'us-east-1a',
        map_public_ip_on_launch: false,
        assign_ipv6_address_on_creation: false,
        ...tags({}),
      },
    },
    securityGroup('web', {
      id: webId,
      name: 'web',
      description: 'Web tier',
      vpcId,
      ownerId,
      ingress: [
        {
          protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_blocks: ['0.0.0.0/0'],
          description: 'HTTPS',
        },
        // Recorded with the protocol's number and CIDRs in another order than AWS returns them.
        {
          protocol: '6',
          from_port: 22,
          to_port: 22,
          cidr_blocks: ['192.168.0.0/16', '10.0.0.0/8'],
          description: 'SSH',
        },
      ],
      // The default egress rule AWS adds to every new group, declared in the code.
      egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
    }),
    securityGroup('app', {
      id: appId,
      name: 'app',
      description: 'App tier',
      vpcId,
      ownerId,
      ingress: [],
      egress: [],
    }),
    {
      type: 'aws_security_group_rule',
      name: 'app_from_web',
      attributes: {
        id: 'sgrule-1',
        type: 'ingress',
        security_group_id: appId,
        protocol: 'tcp',
        from_port: 8443,
        to_port: 8443,
        source_security_group_id: webId,
        cidr_blocks: null,
        ipv6_cidr_blocks: null,
        prefix_list_ids: [],
        self: false,
        description: null,
      },
    },
    {
      type: 'aws_security_group_rule',
      name: 'app_egress',
      attributes: {
        id: 'sgrule-2',
        type: 'egress',
        security_group_id: appId,
        protocol: '-1',
        from_port: 0,
        to_port: 0,
        cidr_blocks: ['0.0.0.0/0'],
        ipv6_cidr_blocks: null,
        prefix_list_ids: [],
        self: false,
        description: '',
      },
    },
    {
      type: 'aws_vpc_security_group_ingress_rule',
      name: 'app_metrics',
      attributes: {
        id: metricsRuleId,
        security_group_rule_id: metricsRuleId,
        security_group_id: appId,
        ip_protocol: 'tcp',
        from_port: 9100,
        to_port: 9100,
        cidr_ipv4: '10.0.0.0/16',
        cidr_ipv6: null,
        prefix_list_id: null,
        referenced_security_group_id: null,
        description: null,
        tags: null,
        tags_all: {},
      },
    },
    {
      type: 'aws_instance',
      name: 'app',
      attributes: {
        id: instanceId,
        ami: image,
        instance_type: 't3.micro',
        subnet_id: subnet.SubnetId,
        source_dest_check: true,
        monitoring: false,
        vpc_security_group_ids: [appId],
        // The provider records user_data as the SHA-1 of the script (hashlib.sha1 of it, from Python).
        user_data: 'b2b62c101a156f5f12dd7197cf7ae9424164b115',
        metadata_options: [{ http_endpoint: 'enabled', http_tokens: 'required' }],
        ...tags({}),
      },
    },
    {
      type: 'aws_sqs_queue',
      name: 'jobs',
      attributes: { id: 'https://sqs.us-east-1.amazonaws.com/1/jobs', name: 'jobs' },
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-live-'));
  await writeStackFiles(dir, resources);
  return { dir, vpcId, webId, appId, instanceId, metricsRuleId };
}

async function scan(dir: string) {
  const io = captureIo();
  const code = await runCli(
    [
      'scan',
      dir,
      '--endpoint-url',
      motoEndpoint(),
      '--region',
      'us-east-1',
      '--format',
      'json',
      '--detailed-exitcode',
    ],
    io,
  );
  if (code === 1) throw new Error(io.err());
  const report = JSON.parse(io.out());
  return { code, stack: report.stacks[0] };
}

describeWithMoto('live AWS scan (driftgate scan without --plan-json)', () => {
  let stack: Stack;
  const ec2 = motoEc2();

  beforeAll(async () => {
    stack = await createStack(ec2);
  });

  it('reports no drift for an untouched stack (default egress, "" vs null descriptions, protocol spellings, grouping)', async () => {
    const { code, stack: report } = await scan(stack.dir);
    expect(report.drifts).toEqual([]);
    expect(code).toBe(0);
    expect(report.not_scanned).toEqual([
      expect.objectContaining({ address: 'aws_sqs_queue.jobs', type: 'aws_sqs_queue' }),
    ]);
    // Batched: one DescribeSecurityGroups for both groups and every rule resource.
    expect(report.stats.api_calls['ec2:DescribeSecurityGroups']).toBe(1);
    expect(report.stats.api_calls['ec2:DescribeInstances']).toBe(1);
  });

  it('reports exactly the manual changes, with provider-shaped paths', async () => {
    // 1. A new ingress rule, 2. a widened SSH source, on a group with inline rules.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: stack.webId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    await ec2.send(
      new Revoke({
        GroupId: stack.webId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: stack.webId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'SSH' }],
          },
        ],
      }),
    );
    // 3. A rule owned by its own resource removed by hand.
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: stack.appId,
        SecurityGroupRuleIds: [stack.metricsRuleId],
      }),
    );
    // 4. An unmanaged rule next to aws_security_group_rule resources (terraform plan cannot see it).
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: stack.appId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 5432,
            ToPort: 5432,
            IpRanges: [{ CidrIp: '10.1.0.0/16' }],
          },
        ],
      }),
    );
    // 5. A tag changed in the console. 6. The instance resized.
    await ec2.send(
      new CreateTagsCommand({
        Resources: [stack.vpcId],
        Tags: [{ Key: 'Name', Value: 'main-renamed' }],
      }),
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stack.instanceId] }));
    await ec2.send(
      new ModifyInstanceAttributeCommand({
        InstanceId: stack.instanceId,
        InstanceType: { Value: 't3.large' },
      }),
    );

    const { code, stack: report } = await scan(stack.dir);
    expect(code).toBe(2);
    const drifts = Object.fromEntries(
      report.drifts.map(
        (d: {
          address: string;
          action: string;
          changes: { path: string; set_element?: string; recorded: unknown; live: unknown }[];
        }) => [
          d.address,
          {
            action: d.action,
            changes: Object.fromEntries(
              d.changes.map((c) => [
                c.set_element ? `${c.path} ${c.set_element === 'added' ? '+' : '-'}` : c.path,
                [c.recorded, c.live],
              ]),
            ),
          },
        ],
      ),
    );
    const rule = (port: number, cidrs: string[], description = '') => ({
      cidr_blocks: cidrs,
      description,
      from_port: port,
      ipv6_cidr_blocks: [],
      prefix_list_ids: [],
      protocol: 'tcp',
      security_groups: [],
      self: false,
      to_port: port,
    });
    expect(drifts).toEqual({
      'aws_instance.app': {
        action: 'update',
        changes: { instance_type: ['t3.micro', 't3.large'] },
      },
      'aws_security_group.app': {
        action: 'update',
        // A whole element added: named by the set and its content, never by an index.
        changes: { 'ingress +': [null, rule(5432, ['10.1.0.0/16'])] },
      },
      'aws_security_group.web': {
        action: 'update',
        changes: {
          'ingress[1].cidr_blocks': [
            ['10.0.0.0/8', '192.168.0.0/16'],
            ['0.0.0.0/0', '192.168.0.0/16'],
          ],
          // The index of a changed rule is its index in the recorded list; an added rule has none.
          'ingress +': [null, rule(3389, ['0.0.0.0/0'])],
        },
      },
      'aws_vpc.main': {
        action: 'update',
        changes: {
          'tags.Name': ['main', 'main-renamed'],
          'tags_all.Name': ['main', 'main-renamed'],
        },
      },
      'aws_vpc_security_group_ingress_rule.app_metrics': { action: 'delete', changes: {} },
    });
  });

  it('reports a rule resource whose source was revoked as deleted, and an egress change on it', async () => {
    await ec2.send(
      new RevokeSecurityGroupEgressCommand({
        GroupId: stack.appId,
        IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: stack.appId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    const { stack: report } = await scan(stack.dir);
    const byAddress = new Map(report.drifts.map((d: { address: string }) => [d.address, d]));
    expect(byAddress.get('aws_security_group_rule.app_egress')).toMatchObject({ action: 'delete' });
    expect(
      (byAddress.get('aws_security_group.app') as { changes: { path: string }[] }).changes
        .map((c) => c.path)
        .sort(),
    ).toEqual(['egress', 'ingress']);
  });
});
