/**
 * The "do it by hand" commands run as printed. Manual changes with hostile values (tag keys
 * and values with commas, quotes, `=`, spaces, unicode, `$(…)`; a rule description with
 * quotes) are made on moto; `driftgate revert --dry-run` prints its commands; each printed
 * command is run by bash with the real AWS CLI; then live must equal the recorded state.
 * CI installs the AWS CLI (`pip install awscli`); without it this test fails, never skips.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  ModifySecurityGroupRulesCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { scanStackFromFlags } from '../../src/cli/scan.js';
import { captureIo } from '../support/cli.js';
import {
  ALL_EGRESS_RULE,
  RDP,
  SSH,
  SSH_RULE,
  securityGroupTf,
} from '../support/drift-repository.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { emptyRoute, securityGroup, tags, v4State } from '../support/state-builder.js';

const run = promisify(execFile);

/** Tags as recorded: every character the CLI's shorthand syntax or a shell would trip on. */
const RECORDED_TAGS: Record<string, string> = {
  Name: 'core',
  'a,b': 'x=y,z',
  'quote"s': 'it\'s "quoted"',
  'spaces here': 'ünïcødé 🚀 value',
  '$(touch /tmp/driftgate-pwned)': '`id` ; rm -rf ~',
  'Key=Value': '[1,2]',
};

const ADDRESSES = [
  'aws_vpc.core',
  'aws_subnet.public',
  'aws_security_group.web',
  'aws_vpc_security_group_ingress_rule.api_https',
  'aws_route_table.public',
];

describeWithMoto('printed commands run as printed, with the real AWS CLI', () => {
  const ec2 = motoEc2();
  let dir: string;
  let vpcId: string;
  let groupId: string;
  let apiGroupId: string;
  let ruleId: string;
  let subnetId: string;
  let tableId: string;
  let igwId: string;
  const flags = () => [
    '--endpoint-url',
    motoEndpoint(),
    '--region',
    'us-east-1',
    '--config',
    join(dir, '.github', 'driftgate.yml'),
  ];

  beforeAll(async () => {
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!.VpcId!;
    await ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
    );
    await ec2.send(
      new CreateTagsCommand({
        Resources: [vpcId],
        Tags: Object.entries(RECORDED_TAGS).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    subnetId = (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: '10.9.1.0/24',
          AvailabilityZone: 'us-east-1a',
        }),
      )
    ).Subnet!.SubnetId!;
    igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!
      .InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    tableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!
      .RouteTableId!;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: igwId,
      }),
    );
    groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'Web tier', VpcId: vpcId }),
      )
    ).GroupId!;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [SSH] }),
    );
    apiGroupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: 'api', Description: 'API', VpcId: vpcId }),
      )
    ).GroupId!;
    ruleId = (
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: apiGroupId,
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
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;

    dir = await mkdtemp(join(tmpdir(), 'driftgate-printed-'));
    await mkdir(join(dir, '.github'));
    await writeFile(
      join(dir, '.github', 'driftgate.yml'),
      'stacks:\n  - name: printed\n    dir: .\n    environment: staging\nattribution:\n  source: off\n',
    );
    await writeFile(
      join(dir, 'main.tf'),
      `${securityGroupTf('web')}
resource "aws_vpc" "core" {
  cidr_block = "10.9.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.core.id
  cidr_block = "10.9.1.0/24"
}

resource "aws_security_group" "api" {
  name        = "api"
  description = "API"
}

resource "aws_vpc_security_group_ingress_rule" "api_https" {
  security_group_id = aws_security_group.api.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.0.0.0/8"
  description       = "https"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.core.id
}
`,
    );
    await writeFile(
      join(dir, 'terraform.tfstate'),
      v4State([
        {
          type: 'aws_vpc',
          name: 'core',
          attributes: {
            id: vpcId,
            cidr_block: '10.9.0.0/16',
            instance_tenancy: 'default',
            enable_dns_support: true,
            enable_dns_hostnames: true,
            ...tags(RECORDED_TAGS),
          },
        },
        {
          type: 'aws_subnet',
          name: 'public',
          attributes: {
            id: subnetId,
            vpc_id: vpcId,
            cidr_block: '10.9.1.0/24',
            availability_zone: 'us-east-1a',
            map_public_ip_on_launch: false,
            assign_ipv6_address_on_creation: false,
            ...tags({}),
          },
        },
        securityGroup('web', {
          id: groupId,
          name: 'web',
          description: 'Web tier',
          vpcId,
          ownerId,
          ingress: [SSH_RULE],
          egress: [ALL_EGRESS_RULE],
        }),
        {
          type: 'aws_vpc_security_group_ingress_rule',
          name: 'api_https',
          attributes: {
            id: ruleId,
            security_group_rule_id: ruleId,
            security_group_id: apiGroupId,
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
        {
          type: 'aws_route_table',
          name: 'public',
          attributes: {
            id: tableId,
            vpc_id: vpcId,
            route: [{ ...emptyRoute, cidr_block: '0.0.0.0/0', gateway_id: igwId }],
            propagating_vgws: [],
            ...tags({}),
          },
        },
      ]),
    );
  });

  const drifted = async () =>
    (
      await scanStackFromFlags(dir, {
        endpointUrl: motoEndpoint(),
        region: 'us-east-1',
        config: join(dir, '.github', 'driftgate.yml'),
      })
    ).drifts
      .map((drift) => drift.address)
      .filter((address) => ADDRESSES.includes(address))
      .sort();

  it('every printed aws command, run by bash with the AWS CLI, puts live back to the recorded state', async () => {
    expect(await drifted()).toEqual([]);
    // By hand: hostile tags changed, removed and added; flags flipped; a rule opened and a
    // description changed; a rule resource widened; the default route replaced by another.
    await ec2.send(
      new CreateTagsCommand({
        Resources: [vpcId],
        Tags: [
          { Key: 'a,b', Value: 'changed' },
          { Key: 'spaces here', Value: 'plain' },
          { Key: "Temp,x=1 'y'", Value: 'v"; echo hi' },
        ],
      }),
    );
    await ec2.send(
      new DeleteTagsCommand({
        Resources: [vpcId],
        Tags: [{ Key: 'quote"s' }, { Key: '$(touch /tmp/driftgate-pwned)' }],
      }),
    );
    await ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: false } }),
    );
    await ec2.send(
      new ModifySubnetAttributeCommand({
        SubnetId: subnetId,
        MapPublicIpOnLaunch: { Value: true },
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { ...RDP, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: `it's "rdp", a=b` }] },
        ],
      }),
    );
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { ...SSH, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: "vendor's temp" }] },
        ],
      }),
    );
    await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: apiGroupId,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: {
              IpProtocol: 'tcp',
              FromPort: 443,
              ToPort: 443,
              CidrIpv4: '0.0.0.0/0',
              Description: "open 'wide'",
            },
          },
        ],
      }),
    );
    await ec2.send(
      new DeleteRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: '0.0.0.0/0' }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '192.168.0.0/16',
        GatewayId: igwId,
      }),
    );
    expect(await drifted()).toEqual([...ADDRESSES].sort());

    const commands: string[] = [];
    for (const address of ADDRESSES) {
      const io = captureIo();
      const code = await runCli(['revert', dir, '--address', address, '--dry-run', ...flags()], io);
      expect(io.err(), address).toBe('');
      expect(code, address).toBe(0);
      commands.push(
        ...io
          .out()
          .split('\n')
          .filter((line) => line.startsWith('     $ aws '))
          .map((line) => line.slice('     $ '.length)),
      );
    }
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const command of commands) {
      expect(command).toMatch(/ --region 'us-east-1'$/);
      try {
        await run('bash', ['-c', command], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            AWS_ENDPOINT_URL: motoEndpoint(),
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
        });
      } catch (error) {
        const { stderr, code } = error as { stderr?: string; code?: number };
        throw new Error(
          code === 127
            ? 'the AWS CLI (`aws`) is not on PATH: install it (pip install awscli) to run this test'
            : `printed command failed: ${command}\n${stderr}`,
        );
      }
    }

    expect(await drifted()).toEqual([]);
    const liveTags = (
      await ec2.send(
        new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] }),
      )
    ).Tags!.map((tag) => [tag.Key, tag.Value]);
    expect(Object.fromEntries(liveTags)).toEqual(RECORDED_TAGS);
  });
});
