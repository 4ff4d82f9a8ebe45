/** `aws_internet_gateway` and `aws_nat_gateway`: one paged Describe* each. */
import {
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  type InternetGateway,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import {
  idOf,
  liveTagAttributes,
  pick,
  readByIds,
  recordedTagAttributes,
  tagMap,
  type Comparison,
  type ResourceFamily,
} from './family.js';

export const internetGatewayFamily: ResourceFamily = {
  name: 'internet gateways',
  types: ['aws_internet_gateway'],
  async scan(session, instances) {
    const gateways = await readByIds(instances.map(idOf), async (ids) => {
      const found: InternetGateway[] = [];
      const pages = paginateDescribeInternetGateways(
        { client: session.ec2(), pageSize: 1000 },
        ids ? { Filters: [{ Name: 'internet-gateway-id', Values: ids }] } : {},
      );
      for await (const page of pages) found.push(...(page.InternetGateways ?? []));
      return found;
    });
    const byId = new Map(gateways.map((gateway) => [gateway.InternetGatewayId!, gateway]));
    return {
      comparisons: instances.map((instance): Comparison => {
        const recorded = {
          vpc_id: instance.attributes.vpc_id || null,
          ...recordedTagAttributes(instance.attributes),
        };
        const gateway = byId.get(idOf(instance));
        if (!gateway) return { instance, recorded, live: null };
        const attached = gateway.Attachments?.find((attachment) =>
          ['available', 'attached'].includes(String(attachment.State)),
        );
        return {
          instance,
          recorded,
          live: {
            vpc_id: attached?.VpcId ?? null,
            ...liveTagAttributes(tagMap(gateway.Tags), instance.attributes),
          },
        };
      }),
    };
  },
};

const NAT_COMPARED = ['allocation_id', 'subnet_id', 'connectivity_type'] as const;

export const natGatewayFamily: ResourceFamily = {
  name: 'NAT gateways',
  types: ['aws_nat_gateway'],
  async scan(session, instances) {
    const gateways = await readByIds(instances.map(idOf), async (ids) => {
      const found: NatGateway[] = [];
      const pages = paginateDescribeNatGateways(
        { client: session.ec2(), pageSize: 1000 },
        ids ? { Filter: [{ Name: 'nat-gateway-id', Values: ids }] } : {},
      );
      for await (const page of pages) found.push(...(page.NatGateways ?? []));
      return found;
    });
    const byId = new Map(
      gateways
        .filter((gateway) => gateway.State !== 'deleted')
        .map((gateway) => [gateway.NatGatewayId!, gateway]),
    );
    return {
      comparisons: instances.map((instance): Comparison => {
        const recorded = {
          ...pick(instance.attributes, NAT_COMPARED),
          ...recordedTagAttributes(instance.attributes),
        };
        const gateway = byId.get(idOf(instance));
        if (!gateway) return { instance, recorded, live: null };
        const address = gateway.NatGatewayAddresses?.[0];
        return {
          instance,
          recorded,
          live: {
            allocation_id: address?.AllocationId ?? null,
            subnet_id: gateway.SubnetId ?? null,
            connectivity_type: gateway.ConnectivityType ?? 'public',
            ...liveTagAttributes(tagMap(gateway.Tags), instance.attributes),
          },
        };
      }),
    };
  },
};
