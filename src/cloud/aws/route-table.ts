/**
 * `aws_route_table` and its `route` set: paged DescribeRouteTables (100 per page, the
 * API's maximum), listed by the VPCs state records or by id. The implicit local route and propagated routes are not the code's, so
 * they are left out, as the provider does.
 */
import { paginateDescribeRouteTables, type Route, type RouteTable } from '@aws-sdk/client-ec2';
import {
  compareById,
  idOf,
  livePages,
  liveTagAttributes,
  readLive,
  recordedScope,
  recordedTagAttributes,
  tagMap,
  type ResourceFamily,
} from './family.js';

const ROUTE_KEYS = [
  'cidr_block',
  'ipv6_cidr_block',
  'destination_prefix_list_id',
  'carrier_gateway_id',
  'core_network_arn',
  'egress_only_gateway_id',
  'gateway_id',
  'local_gateway_id',
  'nat_gateway_id',
  'network_interface_id',
  'transit_gateway_id',
  'vpc_endpoint_id',
  'vpc_peering_connection_id',
] as const;

/** A route with every target key present ('' when unset), as the provider records it. */
function canonicalRoute(
  values: Partial<Record<(typeof ROUTE_KEYS)[number], unknown>>,
): Record<string, string> {
  return Object.fromEntries(ROUTE_KEYS.map((key) => [key, values[key] ? String(values[key]) : '']));
}

function liveRoute(route: Route): Record<string, string> {
  const gateway = route.GatewayId ?? '';
  return canonicalRoute({
    cidr_block: route.DestinationCidrBlock,
    ipv6_cidr_block: route.DestinationIpv6CidrBlock,
    destination_prefix_list_id: route.DestinationPrefixListId,
    carrier_gateway_id: route.CarrierGatewayId,
    core_network_arn: route.CoreNetworkArn,
    egress_only_gateway_id: route.EgressOnlyInternetGatewayId,
    gateway_id: gateway.startsWith('vpce-') ? '' : gateway,
    vpc_endpoint_id: gateway.startsWith('vpce-') ? gateway : '',
    local_gateway_id: route.LocalGatewayId,
    nat_gateway_id: route.NatGatewayId,
    network_interface_id: route.NetworkInterfaceId,
    transit_gateway_id: route.TransitGatewayId,
    vpc_peering_connection_id: route.VpcPeeringConnectionId,
  });
}

export const routeTableFamily: ResourceFamily = {
  name: 'route tables',
  types: ['aws_route_table'],
  async scan(session, instances) {
    const tables = await readLive<RouteTable>({
      ids: instances.map(idOf),
      idFilter: 'route-table-id',
      scope: recordedScope(instances, 'vpc-id', 'vpc_id'),
      pageSize: 100,
      idOf: (table) => table.RouteTableId,
      pages: (Filters) =>
        livePages(
          paginateDescribeRouteTables({ client: session.ec2(), pageSize: 100 }, { Filters }),
          (page) => page.RouteTables,
        ),
    });
    const comparisons = await compareById(instances, tables, (table) => table.RouteTableId, {
      recorded: (instance) => ({
        vpc_id: instance.attributes.vpc_id ?? null,
        route: (Array.isArray(instance.attributes.route) ? instance.attributes.route : []).map(
          (route) => canonicalRoute(route as Record<string, unknown>),
        ),
        ...recordedTagAttributes(instance.attributes),
      }),
      live: (table, instance) => ({
        vpc_id: table.VpcId ?? null,
        route: (table.Routes ?? [])
          .filter(
            (route) =>
              route.Origin !== 'CreateRouteTable' &&
              route.Origin !== 'EnableVgwRoutePropagation' &&
              route.GatewayId !== 'local',
          )
          .map(liveRoute),
        ...liveTagAttributes(tagMap(table.Tags), instance.attributes),
      }),
    });
    return { comparisons };
  },
};
