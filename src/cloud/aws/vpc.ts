/**
 * `aws_vpc`: paged DescribeVpcs, by id or listing the account, plus DescribeVpcAttribute for the two
 * DNS settings, which EC2 only returns one attribute of one VPC at a time (2 calls per
 * VPC; a stack has few VPCs).
 */
import { DescribeVpcAttributeCommand, paginateDescribeVpcs, type Vpc } from '@aws-sdk/client-ec2';
import {
  compareById,
  idOf,
  livePages,
  liveTagAttributes,
  pick,
  readLive,
  recordedTagAttributes,
  tagMap,
  type ResourceFamily,
} from './family.js';

const COMPARED = [
  'cidr_block',
  'instance_tenancy',
  'enable_dns_support',
  'enable_dns_hostnames',
] as const;

export const vpcFamily: ResourceFamily = {
  name: 'VPCs',
  types: ['aws_vpc'],
  async scan(session, instances) {
    const vpcs = await readLive<Vpc>({
      ids: instances.map(idOf),
      idFilter: 'vpc-id',
      pageSize: 1000,
      idOf: (vpc) => vpc.VpcId,
      pages: (Filters) =>
        livePages(
          paginateDescribeVpcs({ client: session.ec2(), pageSize: 1000 }, { Filters }),
          (page) => page.Vpcs,
        ),
    });
    const dnsAttribute = async (
      VpcId: string | undefined,
      Attribute: 'enableDnsSupport' | 'enableDnsHostnames',
    ) => {
      const response = await session
        .ec2()
        .send(new DescribeVpcAttributeCommand({ VpcId, Attribute }));
      return (
        (Attribute === 'enableDnsSupport' ? response.EnableDnsSupport : response.EnableDnsHostnames)
          ?.Value ?? null
      );
    };
    const comparisons = await compareById(instances, vpcs, (vpc) => vpc.VpcId, {
      recorded: (instance) => ({
        ...pick(instance.attributes, COMPARED),
        ...recordedTagAttributes(instance.attributes),
      }),
      live: async (vpc, instance) => ({
        cidr_block: vpc.CidrBlock ?? null,
        instance_tenancy: vpc.InstanceTenancy ?? null,
        enable_dns_support: await dnsAttribute(vpc.VpcId, 'enableDnsSupport'),
        enable_dns_hostnames: await dnsAttribute(vpc.VpcId, 'enableDnsHostnames'),
        ...liveTagAttributes(tagMap(vpc.Tags), instance.attributes),
      }),
    });
    return { comparisons };
  },
};
