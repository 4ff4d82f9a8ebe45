/** `aws_internet_gateway` and `aws_nat_gateway`: one paged Describe* each. */
import { paginateDescribeInternetGateways, paginateDescribeNatGateways } from '@aws-sdk/client-ec2';
import {
  collectPages,
  compareById,
  idFilter,
  idOf,
  liveTagAttributes,
  pick,
  readByIds,
  recordedTagAttributes,
  tagMap,
  type ResourceFamily,
} from './family.js';

export const internetGatewayFamily: ResourceFamily = {
  name: 'internet gateways',
  types: ['aws_internet_gateway'],
  async scan(session, instances) {
    const gateways = await readByIds(instances.map(idOf), (ids) =>
      collectPages(
        paginateDescribeInternetGateways(
          { client: session.ec2(), pageSize: 1000 },
          idFilter('internet-gateway-id', ids),
        ),
        (page) => page.InternetGateways,
      ),
    );
    const comparisons = await compareById(
      instances,
      gateways,
      (gateway) => gateway.InternetGatewayId,
      {
        recorded: (instance) => ({
          vpc_id: instance.attributes.vpc_id || null,
          ...recordedTagAttributes(instance.attributes),
        }),
        live: (gateway, instance) => ({
          // The API says "available" for an attached gateway, though its type lists "attached".
          vpc_id:
            gateway.Attachments?.find((attachment) =>
              ['available', 'attached'].includes(String(attachment.State)),
            )?.VpcId ?? null,
          ...liveTagAttributes(tagMap(gateway.Tags), instance.attributes),
        }),
      },
    );
    return { comparisons };
  },
};

const NAT_COMPARED = ['allocation_id', 'subnet_id', 'connectivity_type'] as const;

export const natGatewayFamily: ResourceFamily = {
  name: 'NAT gateways',
  types: ['aws_nat_gateway'],
  async scan(session, instances) {
    const gateways = await readByIds(instances.map(idOf), (ids) =>
      collectPages(
        paginateDescribeNatGateways(
          { client: session.ec2(), pageSize: 1000 },
          ids ? { Filter: idFilter('nat-gateway-id', ids).Filters } : {},
        ),
        (page) => page.NatGateways,
      ),
    );
    const comparisons = await compareById(
      instances,
      gateways.filter((gateway) => gateway.State !== 'deleted'),
      (gateway) => gateway.NatGatewayId,
      {
        recorded: (instance) => ({
          ...pick(instance.attributes, NAT_COMPARED),
          ...recordedTagAttributes(instance.attributes),
        }),
        live: (gateway, instance) => ({
          allocation_id: gateway.NatGatewayAddresses?.[0]?.AllocationId ?? null,
          subnet_id: gateway.SubnetId ?? null,
          connectivity_type: gateway.ConnectivityType ?? 'public',
          ...liveTagAttributes(tagMap(gateway.Tags), instance.attributes),
        }),
      },
    );
    return { comparisons };
  },
};
