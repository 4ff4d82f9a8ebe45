/**
 * `aws_vpc`: one paged DescribeVpcs for the stack, plus DescribeVpcAttribute for the two
 * DNS settings, which EC2 only returns one attribute of one VPC at a time (2 calls per
 * VPC; a stack has few VPCs).
 */
import { DescribeVpcAttributeCommand, paginateDescribeVpcs, type Vpc } from '@aws-sdk/client-ec2';
import {
  idOf,
  liveTagAttributes,
  pick,
  readByIds,
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
    const vpcs = await readByIds(instances.map(idOf), async (ids) => {
      const found: Vpc[] = [];
      const pages = paginateDescribeVpcs(
        { client: session.ec2(), pageSize: 1000 },
        ids ? { Filters: [{ Name: 'vpc-id', Values: ids }] } : {},
      );
      for await (const page of pages) found.push(...(page.Vpcs ?? []));
      return found;
    });
    const byId = new Map(vpcs.map((vpc) => [vpc.VpcId!, vpc]));
    const comparisons = [];
    for (const instance of instances) {
      const recorded = {
        ...pick(instance.attributes, COMPARED),
        ...recordedTagAttributes(instance.attributes),
      };
      const vpc = byId.get(idOf(instance));
      if (!vpc) {
        comparisons.push({ instance, recorded, live: null });
        continue;
      }
      const attribute = async (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') => {
        const response = await session
          .ec2()
          .send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute }));
        return (
          (Attribute === 'enableDnsSupport'
            ? response.EnableDnsSupport
            : response.EnableDnsHostnames
          )?.Value ?? null
        );
      };
      comparisons.push({
        instance,
        recorded,
        live: {
          cidr_block: vpc.CidrBlock ?? null,
          instance_tenancy: vpc.InstanceTenancy ?? null,
          enable_dns_support: await attribute('enableDnsSupport'),
          enable_dns_hostnames: await attribute('enableDnsHostnames'),
          ...liveTagAttributes(tagMap(vpc.Tags), instance.attributes),
        },
      });
    }
    return { comparisons };
  },
};
