/**
 * `aws_internet_gateway` and `aws_nat_gateway`: paged Describe* each. An internet gateway
 * can be detached from its VPC in place, so it is never listed by VPC (a detached one
 * would look deleted); a NAT gateway's VPC is fixed by its subnet.
 */
import {
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  type InternetGateway,
  type NatGateway,
} from '@aws-sdk/client-ec2';
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

export const internetGatewayFamily: ResourceFamily = {
  name: 'internet gateways',
  types: ['aws_internet_gateway'],
  async scan(session, instances) {
    const gateways = await readLive<InternetGateway>({
      ids: instances.map(idOf),
      idFilter: 'internet-gateway-id',
      pageSize: 1000,
      idOf: (gateway) => gateway.InternetGatewayId,
      pages: (Filters) =>
        livePages(
          paginateDescribeInternetGateways({ client: session.ec2(), pageSize: 1000 }, { Filters }),
          (page) => page.InternetGateways,
        ),
    });
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
    const gateways = await readLive<NatGateway>({
      ids: instances.map(idOf),
      idFilter: 'nat-gateway-id',
      scope: recordedScope(instances, 'vpc-id', 'vpc_id'),
      pageSize: 1000,
      idOf: (gateway) => gateway.NatGatewayId,
      pages: (Filter) =>
        livePages(
          paginateDescribeNatGateways({ client: session.ec2(), pageSize: 1000 }, { Filter }),
          (page) => page.NatGateways,
        ),
    });
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
