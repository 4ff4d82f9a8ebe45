/** `aws_subnet`: paged DescribeSubnets, listed by the VPCs state records or by id. */
import { paginateDescribeSubnets, type Subnet } from '@aws-sdk/client-ec2';
import {
  compareById,
  idOf,
  livePages,
  liveTagAttributes,
  pick,
  readLive,
  recordedScope,
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
    const subnets = await readLive<Subnet>({
      ids: instances.map(idOf),
      idFilter: 'subnet-id',
      scope: recordedScope(instances, 'vpc-id', 'vpc_id'),
      pageSize: 1000,
      idOf: (subnet) => subnet.SubnetId,
      pages: (Filters) =>
        livePages(
          paginateDescribeSubnets({ client: session.ec2(), pageSize: 1000 }, { Filters }),
          (page) => page.Subnets,
        ),
    });
    const comparisons = await compareById(instances, subnets, (subnet) => subnet.SubnetId, {
      recorded: (instance) => ({
        ...pick(instance.attributes, COMPARED),
        ...recordedTagAttributes(instance.attributes),
      }),
      live: (subnet, instance) => ({
        cidr_block: subnet.CidrBlock ?? null,
        availability_zone: subnet.AvailabilityZone ?? null,
        vpc_id: subnet.VpcId ?? null,
        map_public_ip_on_launch: subnet.MapPublicIpOnLaunch ?? false,
        assign_ipv6_address_on_creation: subnet.AssignIpv6AddressOnCreation ?? false,
        ...liveTagAttributes(tagMap(subnet.Tags), instance.attributes),
      }),
    });
    return { comparisons };
  },
};
