/**
 * The network resource families on moto: a stack recorded as Terraform would record it
 * is clean; one manual change per family is reported with its provider-shaped path.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../support/cli.js';
import { describeWithMoto, motoEc2, motoEndpoint } from '../support/moto.js';
import { tags, type BuiltResource, emptyRoute, writeStackFiles } from '../support/state-builder.js';

interface Network {
  dir: string;
  vpcId: string;
  subnetId: string;
  routeTableId: string;
  aclId: string;
  igwId: string;
  natId: string;
}

async function createNetwork(ec2: EC2Client): Promise<Network> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (
    await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: '10.7.1.0/24',
        AvailabilityZone: 'us-east-1a',
      }),
    )
  ).Subnet!.SubnetId!;
  const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!
    .InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  await ec2.send(
    new CreateTagsCommand({ Resources: [igwId], Tags: [{ Key: 'Name', Value: 'main' }] }),
  );
  const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!
    .RouteTableId!;
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: routeTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igwId,
    }),
  );
  await ec2.send(
    new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }),
  );
  const aclId = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!
    .NetworkAclId!;
  await ec2.send(
    new CreateNetworkAclEntryCommand({
      NetworkAclId: aclId,
      RuleNumber: 100,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '0.0.0.0/0',
      PortRange: { From: 443, To: 443 },
    }),
  );
  const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })))
    .AllocationId!;
  const natId = (
    await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))
  ).NatGateway!.NatGatewayId!;

  const resources: BuiltResource[] = [
    {
      type: 'aws_vpc',
      name: 'main',
      attributes: {
        id: vpcId,
        cidr_block: '10.7.0.0/16',
        instance_tenancy: 'default',
        enable_dns_support: true,
        enable_dns_hostnames: false,
        ...tags({}),
      },
    },
    {
      type: 'aws_subnet',
      name: 'public',
      attributes: {
        id: subnetId,
        vpc_id: vpcId,
        cidr_block: '10.7.1.0/24',
        availability_zone: 'us-east-1a',
        map_public_ip_on_launch: false,
        assign_ipv6_address_on_creation: false,
        ...tags({}),
      },
    },
    {
      type: 'aws_internet_gateway',
      name: 'main',
      attributes: { id: igwId, vpc_id: vpcId, ...tags({ Name: 'main' }) },
    },
    {
      type: 'aws_route_table',
      name: 'public',
      attributes: {
        id: routeTableId,
        vpc_id: vpcId,
        route: [{ ...emptyRoute, cidr_block: '0.0.0.0/0', gateway_id: igwId }],
        propagating_vgws: [],
        ...tags({}),
      },
    },
    {
      type: 'aws_network_acl',
      name: 'public',
      attributes: {
        id: aclId,
        vpc_id: vpcId,
        subnet_ids: [],
        ingress: [
          {
            action: 'allow',
            cidr_block: '0.0.0.0/0',
            from_port: 443,
            icmp_code: 0,
            icmp_type: 0,
            ipv6_cidr_block: '',
            protocol: 'tcp',
            rule_no: 100,
            to_port: 443,
          },
        ],
        egress: [],
        ...tags({}),
      },
    },
    {
      type: 'aws_nat_gateway',
      name: 'main',
      attributes: {
        id: natId,
        allocation_id: allocationId,
        subnet_id: subnetId,
        connectivity_type: 'public',
        ...tags({}),
      },
    },
  ];
  const dir = await mkdtemp(join(tmpdir(), 'driftgate-net-'));
  await writeStackFiles(dir, resources);
  return { dir, vpcId, subnetId, routeTableId, aclId, igwId, natId };
}

async function scanOutput(dir: string, format: 'json' | 'text' | 'markdown'): Promise<string> {
  const io = captureIo();
  const code = await runCli(
    ['scan', dir, '--endpoint-url', motoEndpoint(), '--format', format],
    io,
  );
  if (code !== 0) throw new Error(io.err());
  return io.out();
}

/** Drifts by address, changes by path (`route +` / `route -` for a whole set element). */
async function scan(dir: string) {
  const stack = JSON.parse(await scanOutput(dir, 'json')).stacks[0];
  return Object.fromEntries(
    stack.drifts.map(
      (d: {
        address: string;
        changes: { path: string; set_element?: string; recorded: unknown; live: unknown }[];
      }) => [
        d.address,
        Object.fromEntries(
          d.changes.map((c) => [
            c.set_element ? `${c.path} ${c.set_element === 'added' ? '+' : '-'}` : c.path,
            [c.recorded, c.live],
          ]),
        ),
      ],
    ),
  );
}

describeWithMoto(
  'network families: VPC, subnet, route table, NACL, internet and NAT gateways',
  () => {
    let net: Network;
    const ec2 = motoEc2();
    beforeAll(async () => {
      net = await createNetwork(ec2);
    });

    it('is clean when nothing changed (local route, default NACL rules, protocol numbers are not drift)', async () => {
      expect(await scan(net.dir)).toEqual({});
    });

    it('reports one manual change per family', async () => {
      await ec2.send(
        new ModifyVpcAttributeCommand({ VpcId: net.vpcId, EnableDnsHostnames: { Value: true } }),
      );
      await ec2.send(
        new ModifySubnetAttributeCommand({
          SubnetId: net.subnetId,
          MapPublicIpOnLaunch: { Value: true },
        }),
      );
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: net.routeTableId,
          DestinationCidrBlock: '192.168.0.0/16',
          GatewayId: net.igwId,
        }),
      );
      await ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: net.aclId,
          RuleNumber: 200,
          Protocol: '-1',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
        }),
      );
      await ec2.send(
        new CreateTagsCommand({
          Resources: [net.igwId],
          Tags: [{ Key: 'Name', Value: 'renamed' }],
        }),
      );
      await ec2.send(
        new CreateTagsCommand({
          Resources: [net.natId],
          Tags: [{ Key: 'Owner', Value: 'oncall' }],
        }),
      );

      const drifts = await scan(net.dir);
      expect(drifts['aws_vpc.main']).toEqual({ enable_dns_hostnames: [false, true] });
      expect(drifts['aws_subnet.public']).toEqual({ map_public_ip_on_launch: [false, true] });
      expect(drifts['aws_route_table.public']).toEqual({
        'route +': [null, { ...emptyRoute, cidr_block: '192.168.0.0/16', gateway_id: net.igwId }],
      });
      expect(drifts['aws_network_acl.public']).toEqual({
        'ingress +': [
          null,
          {
            action: 'allow',
            cidr_block: '0.0.0.0/0',
            from_port: 0,
            icmp_code: 0,
            icmp_type: 0,
            ipv6_cidr_block: '',
            protocol: '-1',
            rule_no: 200,
            to_port: 0,
          },
        ],
      });
      expect(drifts['aws_internet_gateway.main']).toEqual({
        'tags.Name': ['main', 'renamed'],
        'tags_all.Name': ['main', 'renamed'],
      });
      expect(drifts['aws_nat_gateway.main']).toEqual({
        'tags.Owner': [null, 'oncall'],
        'tags_all.Owner': [null, 'oncall'],
      });

      // People see each added element as such, by its content, in every format.
      const text = await scanOutput(net.dir, 'text');
      expect(text).toContain(`      + route {192.168.0.0/16 → ${net.igwId}}`);
      expect(text).toContain('      + ingress {rule 200 allow all traffic from 0.0.0.0/0}');
      expect(text).not.toMatch(/(route|ingress)\[\d+\]/);
      const markdown = await scanOutput(net.dir, 'markdown');
      expect(markdown).toContain(
        `| \`+ route\` | \`(absent)\` | \`{192.168.0.0/16 → ${net.igwId}}\` |`,
      );
      expect(markdown).not.toMatch(/(route|ingress)\[\d+\]/);
    });
  },
);
