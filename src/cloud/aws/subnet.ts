/** `aws_subnet`: one paged DescribeSubnets for the stack. */
import { paginateDescribeSubnets, type Subnet } from '@aws-sdk/client-ec2';
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
  'availability_zone',
  'vpc_id',
  'map_public_ip_on_launch',
  'assign_ipv6_address_on_creation',
] as const;

export const subnetFamily: ResourceFamily = {
  name: 'subnets',
  types: ['aws_subnet'],
  async scan(session, instances) {
    const subnets = await readByIds(instances.map(idOf), async (ids) => {
      const found: Subnet[] = [];
      const pages = paginateDescribeSubnets(
        { client: session.ec2(), pageSize: 1000 },
        ids ? { Filters: [{ Name: 'subnet-id', Values: ids }] } : {},
      );
      for await (const page of pages) found.push(...(page.Subnets ?? []));
      return found;
    });
    const byId = new Map(subnets.map((subnet) => [subnet.SubnetId!, subnet]));
    return {
      comparisons: instances.map((instance) => {
        const recorded = {
          ...pick(instance.attributes, COMPARED),
          ...recordedTagAttributes(instance.attributes),
        };
        const subnet = byId.get(idOf(instance));
        if (!subnet) return { instance, recorded, live: null };
        return {
          instance,
          recorded,
          live: {
            cidr_block: subnet.CidrBlock ?? null,
            availability_zone: subnet.AvailabilityZone ?? null,
            vpc_id: subnet.VpcId ?? null,
            map_public_ip_on_launch: subnet.MapPublicIpOnLaunch ?? false,
            assign_ipv6_address_on_creation: subnet.AssignIpv6AddressOnCreation ?? false,
            ...liveTagAttributes(tagMap(subnet.Tags), instance.attributes),
          },
        };
      }),
    };
  },
};
