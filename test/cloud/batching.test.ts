import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanLiveAws } from '../../src/cloud/aws/scanner.js';
import { AwsSession } from '../../src/cloud/aws/session.js';
import { parseState } from '../../src/terraform/state.js';
import { answerEc2, type FakeEc2Call, type FakeEc2Object } from '../support/paged-ec2.js';
import { v4State, type BuiltResource } from '../support/state-builder.js';

/**
 * How many EC2 calls a scan makes for N resources of one type, against an EC2 endpoint
 * that pages and filters as EC2 does (test/support/paged-ec2.ts): at most ⌈N/1000⌉ + 2
 * calls per Describe action (⌈N/100⌉ + 2 where EC2 caps pages at 100), never one per
 * resource, and every resource in state found or reported deleted.
 */
const EC2 = 'https://ec2.us-east-1.amazonaws.com';
const OWNER = '123456789012';

function serve(objects: Record<string, FakeEc2Object[]>): FakeEc2Call[] {
  const calls: FakeEc2Call[] = [];
  nock(EC2)
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const text =
        typeof body === 'string'
          ? body
          : new URLSearchParams(body as Record<string, string>).toString();
      const { status, xml } = answerEc2(objects, text, calls);
      return [status, xml];
    });
  return calls;
}

const hex = (prefix: string, i: number) => `${prefix}-${i.toString(16).padStart(17, '0')}`;

function resource(type: string, name: string, attributes: Record<string, unknown>): BuiltResource {
  return { type, name, attributes };
}

/** A security group in state and live, clean: no rules, no tags. */
function group(id: string, vpcId: string | null): { state: BuiltResource; live: FakeEc2Object } {
  return {
    state: resource('aws_security_group', id.replace('-', '_'), {
      id,
      name: id,
      description: 'd',
      vpc_id: vpcId ?? '',
      owner_id: OWNER,
      ingress: [],
      egress: [],
      tags: {},
      tags_all: {},
    }),
    live: liveGroup(id, vpcId ?? 'vpc-elsewhere'),
  };
}

function liveGroup(id: string, vpcId: string): FakeEc2Object {
  return {
    filters: { 'group-id': id, 'vpc-id': vpcId },
    xml: `<item><ownerId>${OWNER}</ownerId><groupId>${id}</groupId><groupName>${id}</groupName><groupDescription>d</groupDescription><vpcId>${vpcId}</vpcId><ipPermissions/><ipPermissionsEgress/></item>`,
  };
}

interface FamilyCase {
  type: string;
  action: string;
  pageSize: number;
  sizes: number[];
  /** State and live object of the i-th resource, and the live objects of other stacks. */
  make: (i: number) => { state: BuiltResource; live: FakeEc2Object };
}

const VPC = 'vpc-0000000000000000a';
const SUBNET = 'subnet-0000000000000000a';

const FAMILIES: FamilyCase[] = [
  {
    type: 'aws_security_group',
    action: 'DescribeSecurityGroups',
    pageSize: 1000,
    sizes: [1, 150, 201, 601, 999, 1000, 1001, 2500, 5000],
    make: (i) => group(hex('sg', i), VPC),
  },
  {
    type: 'aws_vpc_security_group_ingress_rule',
    action: 'DescribeSecurityGroupRules',
    pageSize: 1000,
    sizes: [150, 1000, 2500],
    make: (i) => {
      const id = hex('sgr', i);
      const groupId = hex('sg', Math.floor(i / 2));
      return {
        state: resource('aws_vpc_security_group_ingress_rule', `r${i}`, {
          id,
          security_group_rule_id: id,
          security_group_id: groupId,
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
          cidr_ipv4: '10.0.0.0/8',
        }),
        live: {
          filters: { 'security-group-rule-id': id, 'group-id': groupId },
          xml: `<item><securityGroupRuleId>${id}</securityGroupRuleId><groupId>${groupId}</groupId><groupOwnerId>${OWNER}</groupOwnerId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><cidrIpv4>10.0.0.0/8</cidrIpv4></item>`,
        },
      };
    },
  },
  {
    type: 'aws_vpc',
    action: 'DescribeVpcs',
    pageSize: 1000,
    sizes: [5, 50],
    make: (i) => {
      const id = hex('vpc', i);
      return {
        state: resource('aws_vpc', `v${i}`, { id, cidr_block: '10.0.0.0/16' }),
        live: {
          filters: { 'vpc-id': id },
          xml: `<item><vpcId>${id}</vpcId><cidrBlock>10.0.0.0/16</cidrBlock><instanceTenancy>default</instanceTenancy></item>`,
        },
      };
    },
  },
  {
    type: 'aws_subnet',
    action: 'DescribeSubnets',
    pageSize: 1000,
    sizes: [150, 1000, 2500],
    make: (i) => {
      const id = hex('subnet', i);
      return {
        state: resource('aws_subnet', `s${i}`, { id, vpc_id: VPC }),
        live: {
          filters: { 'subnet-id': id, 'vpc-id': VPC },
          xml: `<item><subnetId>${id}</subnetId><vpcId>${VPC}</vpcId></item>`,
        },
      };
    },
  },
  {
    type: 'aws_route_table',
    action: 'DescribeRouteTables',
    pageSize: 100,
    sizes: [50, 150, 1000],
    make: (i) => {
      const id = hex('rtb', i);
      return {
        state: resource('aws_route_table', `t${i}`, { id, vpc_id: VPC, route: [] }),
        live: {
          filters: { 'route-table-id': id, 'vpc-id': VPC },
          xml: `<item><routeTableId>${id}</routeTableId><vpcId>${VPC}</vpcId><routeSet/></item>`,
        },
      };
    },
  },
  {
    type: 'aws_network_acl',
    action: 'DescribeNetworkAcls',
    pageSize: 100,
    sizes: [50, 150, 1000],
    make: (i) => {
      const id = hex('acl', i);
      return {
        state: resource('aws_network_acl', `a${i}`, { id, vpc_id: VPC }),
        live: {
          filters: { 'network-acl-id': id, 'vpc-id': VPC },
          xml: `<item><networkAclId>${id}</networkAclId><vpcId>${VPC}</vpcId><entrySet/><associationSet/></item>`,
        },
      };
    },
  },
  {
    type: 'aws_internet_gateway',
    action: 'DescribeInternetGateways',
    pageSize: 1000,
    sizes: [150, 1000, 2500],
    make: (i) => {
      const id = hex('igw', i);
      return {
        state: resource('aws_internet_gateway', `g${i}`, { id, vpc_id: VPC }),
        live: {
          filters: { 'internet-gateway-id': id },
          xml: `<item><internetGatewayId>${id}</internetGatewayId><attachmentSet><item><vpcId>${VPC}</vpcId><state>available</state></item></attachmentSet></item>`,
        },
      };
    },
  },
  {
    type: 'aws_nat_gateway',
    action: 'DescribeNatGateways',
    pageSize: 1000,
    sizes: [150, 1000, 2500],
    make: (i) => {
      const id = hex('nat', i);
      return {
        state: resource('aws_nat_gateway', `n${i}`, { id, vpc_id: VPC, subnet_id: SUBNET }),
        live: {
          filters: { 'nat-gateway-id': id, 'vpc-id': VPC },
          xml: `<item><natGatewayId>${id}</natGatewayId><vpcId>${VPC}</vpcId><subnetId>${SUBNET}</subnetId><state>available</state></item>`,
        },
      };
    },
  },
  {
    type: 'aws_instance',
    action: 'DescribeInstances',
    pageSize: 1000,
    sizes: [150, 1000, 2500],
    make: (i) => {
      const id = hex('i', i);
      return {
        state: resource('aws_instance', `i${i}`, { id, subnet_id: SUBNET }),
        live: {
          filters: { 'instance-id': id, 'subnet-id': SUBNET },
          xml: `<item><instanceId>${id}</instanceId><subnetId>${SUBNET}</subnetId><instanceState><code>16</code><name>running</name></instanceState></item>`,
        },
      };
    },
  },
];

async function scan(resources: BuiltResource[]) {
  const session = new AwsSession({ region: 'us-east-1' });
  const result = await scanLiveAws({
    session,
    state: parseState(v4State(resources), 'batching'),
    stack: undefined,
    stackName: 's',
  });
  session.destroy();
  return { result, calls: session.calls };
}

const deleted = (result: Awaited<ReturnType<typeof scan>>['result']) =>
  result.drifts
    .filter((drift) => drift.action === 'delete')
    .map((drift) => drift.address)
    .sort();

describe('batched reads', () => {
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    delete process.env.AWS_ENDPOINT_URL;
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  for (const family of FAMILIES) {
    for (const n of family.sizes) {
      const bound = Math.ceil(n / family.pageSize) + 2;
      it(`${n} × ${family.type}: ≤ ${bound} ${family.action} calls at MaxResults ${family.pageSize}, none missed`, async () => {
        const made = [...Array(n).keys()].map(family.make);
        // Other stacks' objects share the account (and, for VPC-scoped shapes, not the VPC).
        const others = [...Array(1500).keys()].map((i) => family.make(n + i).live);
        for (const other of others) {
          for (const key of Object.keys(other.filters))
            if (key === 'vpc-id' || key === 'subnet-id' || key === 'group-id')
              other.filters[key] = `${other.filters[key]}-other`;
        }
        const calls = serve({ [family.action]: [...made.map((m) => m.live), ...others] });
        const { result, calls: counted } = await scan(made.map((m) => m.state));

        expect(deleted(result)).toEqual([]);
        const own = calls.filter((call) => call.action === family.action);
        expect(counted[`ec2:${family.action}`]).toBe(own.length);
        expect(own.length).toBeLessThanOrEqual(bound);
        // Paged calls ask for the API's largest page; a call naming ≤ 200 ids (NetworkAclIds) is not paged.
        expect(
          own.every(
            (call) =>
              call.maxResults === family.pageSize ||
              (call.maxResults === undefined &&
                Object.values(call.filters).every((values) => values.length <= 200)),
          ),
        ).toBe(true);
      });
    }
  }

  it('1,000 groups in one VPC: VPC-filtered pages where id filters cost 5 calls', async () => {
    const made = [...Array(1000).keys()].map((i) => group(hex('sg', i), VPC));
    const calls = serve({
      DescribeSecurityGroups: [
        ...made.map((m) => m.live),
        liveGroup('sg-0default', VPC), // the VPC's default group, not in state
      ],
    });
    const { result } = await scan(made.map((m) => m.state));
    expect(result.drifts).toEqual([]);
    // 1,001 groups in the VPC: two pages of 1,000 (999 in state would take one).
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => call.filters['vpc-id']?.join() === VPC)).toBe(true);
  });

  it('at 5,000 groups, ≥ 300× fewer calls than one per group', async () => {
    const made = [...Array(5000).keys()].map((i) => group(hex('sg', i), VPC));
    serve({ DescribeSecurityGroups: made.map((m) => m.live) });
    const { calls } = await scan(made.map((m) => m.state));
    expect(5000 / calls['ec2:DescribeSecurityGroups']!).toBeGreaterThanOrEqual(300);
  });

  it('groups outside the listed VPCs are found, and deleted ones reported, whatever the shape', async () => {
    const inStack = [...Array(600).keys()].map((i) => group(hex('sg', i), VPC));
    const inDefaultVpc = group('sg-0indefaultvpc', 'vpc-0default');
    const noRecordedVpc = group('sg-0novpcinstate', null);
    const goneFromVpc = group('sg-0gonefromvpc', VPC);
    const goneNoVpc = group('sg-0gonenovpc', null);
    const calls = serve({
      DescribeSecurityGroups: [
        ...inStack.map((m) => m.live),
        inDefaultVpc.live,
        noRecordedVpc.live,
        // Another stack's groups in the same VPC and elsewhere in the account.
        ...[...Array(300).keys()].map((i) => liveGroup(hex('sg-x', i), VPC)),
        ...[...Array(3000).keys()].map((i) => liveGroup(hex('sg-y', i), 'vpc-0someoneelse')),
      ],
    });
    const { result } = await scan(
      [...inStack, inDefaultVpc, noRecordedVpc, goneFromVpc, goneNoVpc].map((m) => m.state),
    );
    expect(deleted(result)).toEqual([
      'aws_security_group.sg_0gonefromvpc',
      'aws_security_group.sg_0gonenovpc',
    ]);
    // Listed by the two recorded VPCs in one call, the group with no recorded VPC by id.
    expect(calls.map((call) => call.filters)).toEqual([
      { 'vpc-id': [VPC, 'vpc-0default'] },
      { 'group-id': ['sg-0novpcinstate', 'sg-0gonenovpc'] },
    ]);
  });

  it('a VPC crowded with other stacks’ groups: the listing gives up after its budget and reads the rest by id', async () => {
    const inStack = [...Array(300).keys()].map((i) => group(hex('sg', i), VPC));
    const gone = group('sg-0gone', VPC);
    // The stack's groups come last in the listing, behind 5,000 other groups of the VPC.
    const calls = serve({
      DescribeSecurityGroups: [
        ...[...Array(5000).keys()].map((i) => liveGroup(hex('sg-x', i), VPC)),
        ...inStack.map((m) => m.live),
      ],
    });
    const { result } = await scan([...inStack, gone].map((m) => m.state));
    expect(deleted(result)).toEqual(['aws_security_group.sg_0gone']);
    expect(result.drifts).toHaveLength(1);
    // Two listing pages (the estimate, one page, plus one), then 301 ids in 2 filtered calls.
    expect(calls.map((call) => Object.keys(call.filters)[0])).toEqual([
      'vpc-id',
      'vpc-id',
      'group-id',
      'group-id',
    ]);
  });
});
