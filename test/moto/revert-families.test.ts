/**
 * Reverting beyond rule add/remove, on moto through `driftgate revert` and `driftgate undo`:
 * routes (delete, replace, create — each with its exact inverse) and a security group
 * rule's description.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  ReplaceRouteCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { scanStackFromFlags } from '../../src/cli/scan.js';
import { runCliConfirmed } from '../support/cli.js';
import { writeAppliedRevertRecord } from '../support/ledger.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { securityGroup, tags, emptyRoute, writeStackFiles } from '../support/state-builder.js';

describeWithMoto('reverting routes and rule descriptions', () => {
  const ec2 = motoEc2();
  let dir: string;
  let tableId: string;
  let igwId: string;
  let natId: string;
  let groupId: string;
  const config = () => join(dir, '.github', 'driftgate.yml');
  const flags = () => [
    '--endpoint-url',
    motoEndpoint(),
    '--region',
    'us-east-1',
    '--config',
    config(),
  ];
  const cli = runCliConfirmed;
  const routes = async () =>
    (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] })))
      .RouteTables![0]!.Routes!.filter((route) => route.GatewayId !== 'local')
      .map((route) => `${route.DestinationCidrBlock} ${route.GatewayId ?? route.NatGatewayId}`)
      .sort();

  beforeAll(async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc!.VpcId!;
    const subnetId = (
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.8.1.0/24' }))
    ).Subnet!.SubnetId!;
    igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!
      .InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const allocation = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))
      .AllocationId!;
    natId = (
      await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocation }))
    ).NatGateway!.NatGatewayId!;
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
        new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db', VpcId: vpcId }),
      )
    ).GroupId!;
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'SSH from the VPN' }] },
        ],
      }),
    );
    const ownerId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.OwnerId!;
    dir = await mkdtemp(join(tmpdir(), 'driftgate-families-'));
    await mkdir(join(dir, '.github'));
    await writeFile(
      config(),
      'stacks:\n  - name: core\n    dir: .\n    environment: staging\nattribution:\n  source: off\n',
    );
    await writeStackFiles(dir, [
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
      securityGroup('db', {
        id: groupId,
        name: 'db',
        description: 'db',
        vpcId,
        ownerId,
        ingress: [
          {
            protocol: 'tcp',
            from_port: 22,
            to_port: 22,
            cidr_blocks: ['10.0.0.0/8'],
            description: 'SSH from the VPN',
          },
        ],
        egress: [],
      }),
    ]);
  });

  it('reverts a re-pointed default route and an added route, then undoes exactly that', async () => {
    // By hand: the default route goes through the NAT gateway; a new route appears.
    await ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: natId,
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '192.168.0.0/16',
        GatewayId: igwId,
      }),
    );
    const [drift] = (
      await scanStackFromFlags(dir, {
        endpointUrl: motoEndpoint(),
        region: 'us-east-1',
        config: config(),
      })
    ).drifts.filter((candidate) => candidate.address === 'aws_route_table.public');

    const reverted = await cli([
      'revert',
      dir,
      '--address',
      'aws_route_table.public',
      '--yes',
      ...flags(),
    ]);
    expect(reverted.err).toBe('');
    expect(reverted.out).toContain(
      `$ aws ec2 replace-route --route-table-id '${tableId}' --destination-cidr-block '0.0.0.0/0' --gateway-id '${igwId}' --region 'us-east-1'`,
    );
    expect(reverted.out).toContain(
      `$ aws ec2 delete-route --route-table-id '${tableId}' --destination-cidr-block '192.168.0.0/16' --region 'us-east-1'`,
    );
    expect(reverted.out).toContain('verification: verified: live now shows no drift');
    expect(await routes()).toEqual([`0.0.0.0/0 ${igwId}`]);

    // The ledger of that revert, then driftgate undo: the manual routes come back.
    const ledger = join(dir, 'routes.md');
    await writeAppliedRevertRecord(ledger, drift!, tableId, 3);
    const undone = await cli(['undo', ledger, dir, '--yes', ...flags()]);
    expect(undone.err).toBe('');
    expect(undone.out).toMatch(/verification: verified: live now shows drift [0-9a-f]{16}/);
    expect(await routes()).toEqual([`0.0.0.0/0 ${natId}`, `192.168.0.0/16 ${igwId}`]);
  });

  it('restores a rule description changed by hand, without touching the rule', async () => {
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'temp: vendor' }],
          },
        ],
      }),
    );
    const result = await cli([
      'revert',
      dir,
      '--address',
      'aws_security_group.db',
      '--yes',
      ...flags(),
    ]);
    expect(result.err).toBe('');
    expect(result.out).toContain('(UpdateSecurityGroupRuleDescriptionsIngress)');
    expect(result.out).not.toContain('RevokeSecurityGroupIngress');
    expect(result.out).toContain('verification: verified: live now shows no drift');
    const live = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0]!.IpPermissions![0]!.IpRanges;
    expect(live).toEqual([{ CidrIp: '10.0.0.0/8', Description: 'SSH from the VPN' }]);
  });
});
