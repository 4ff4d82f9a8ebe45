/**
 * Reverting a route table's routes: delete what was added, point a re-pointed route back,
 * recreate what was removed — each with its exact inverse. Pure.
 */
import type { Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import { describeOperation } from './describe.js';
import { elementSides, type RevertPlan, type RevertTarget } from './revert-types.js';
import { awsEc2Command } from './shell.js';

/** Route targets: the provider's attribute, the API's parameter, the CLI's flag. */
const ROUTE_TARGETS: [string, string, string][] = [
  ['gateway_id', 'GatewayId', '--gateway-id'],
  ['nat_gateway_id', 'NatGatewayId', '--nat-gateway-id'],
  ['network_interface_id', 'NetworkInterfaceId', '--network-interface-id'],
  ['transit_gateway_id', 'TransitGatewayId', '--transit-gateway-id'],
  ['vpc_peering_connection_id', 'VpcPeeringConnectionId', '--vpc-peering-connection-id'],
  ['egress_only_gateway_id', 'EgressOnlyInternetGatewayId', '--egress-only-internet-gateway-id'],
  ['local_gateway_id', 'LocalGatewayId', '--local-gateway-id'],
  ['carrier_gateway_id', 'CarrierGatewayId', '--carrier-gateway-id'],
  ['core_network_arn', 'CoreNetworkArn', '--core-network-arn'],
  ['vpc_endpoint_id', 'VpcEndpointId', '--vpc-endpoint-id'],
];
const ROUTE_DESTINATIONS: [string, string, string][] = [
  ['cidr_block', 'DestinationCidrBlock', '--destination-cidr-block'],
  ['ipv6_cidr_block', 'DestinationIpv6CidrBlock', '--destination-ipv6-cidr-block'],
  ['destination_prefix_list_id', 'DestinationPrefixListId', '--destination-prefix-list-id'],
];

interface RouteSide {
  destination: [string, string, string, string];
  target: [string, string, string, string] | undefined;
}

function routeSide(route: Record<string, unknown>): RouteSide | undefined {
  const pick = (table: [string, string, string][]) => {
    const found = table.find(
      ([attribute]) => typeof route[attribute] === 'string' && route[attribute] !== '',
    );
    return found
      ? ([...found, String(route[found[0]])] as [string, string, string, string])
      : undefined;
  };
  const destination = pick(ROUTE_DESTINATIONS);
  return destination ? { destination, target: pick(ROUTE_TARGETS) } : undefined;
}

export function routeOperations(drift: Drift, target: RevertTarget, plan: RevertPlan): void {
  const tableId = target.id;
  const recorded = new Map<string, RouteSide>();
  const live = new Map<string, RouteSide>();
  for (const change of drift.changes.filter((candidate) => candidate.path[0] === 'route')) {
    const sides = elementSides(change);
    if (!sides) {
      plan.refusals.push({
        path: formatPath(change.path),
        reason: 'cannot tell which route changed',
      });
      continue;
    }
    const { before, after } = sides;
    for (const [value, into] of [
      [before, recorded],
      [after, live],
    ] as const) {
      if (!value || typeof value !== 'object') continue;
      const side = routeSide(value as Record<string, unknown>);
      if (side) into.set(`${side.destination[0]}=${side.destination[3]}`, side);
    }
  }
  const dest = (side: RouteSide) => ({
    RouteTableId: tableId,
    [side.destination[1]]: side.destination[3],
  });
  const target_ = (side: RouteSide) => (side.target ? { [side.target[1]]: side.target[3] } : {});
  const flags = (side: RouteSide, withTarget: boolean): [string, string][] => [
    ['--route-table-id', tableId],
    [side.destination[2], side.destination[3]],
    ...(withTarget && side.target ? [[side.target[2], side.target[3]] as [string, string]] : []),
  ];
  const command = (subcommand: string, side: RouteSide, withTarget: boolean) =>
    awsEc2Command(subcommand, flags(side, withTarget), target.region);
  const label = (side: RouteSide) =>
    `${side.destination[3]}${side.target ? ` → ${side.target[3]}` : ''}`;
  const inverse = (api: string, params: Record<string, unknown>) => ({
    api,
    params,
    description: describeOperation(api, params),
  });
  const noTarget = (side: RouteSide) =>
    plan.refusals.push({
      path: 'route',
      reason: `the recorded route to ${side.destination[3]} has no target driftgate can set`,
    });
  for (const [id, side] of live) {
    const wanted = recorded.get(id);
    if (!wanted) {
      plan.operations.push({
        api: 'DeleteRoute',
        params: dest(side),
        description: `delete route ${label(side)} from ${tableId}`,
        command: command('delete-route', side, false),
        inverse: inverse('CreateRoute', { ...dest(side), ...target_(side) }),
      });
    } else if (JSON.stringify(wanted.target) !== JSON.stringify(side.target)) {
      if (!wanted.target) {
        noTarget(side);
        continue;
      }
      plan.operations.push({
        api: 'ReplaceRoute',
        params: { ...dest(wanted), ...target_(wanted) },
        description: `point route ${wanted.destination[3]} back at ${wanted.target[3]} in ${tableId}`,
        command: command('replace-route', wanted, true),
        inverse: inverse('ReplaceRoute', { ...dest(side), ...target_(side) }),
      });
    }
  }
  for (const [id, side] of recorded) {
    if (live.has(id)) continue;
    if (!side.target) {
      noTarget(side);
      continue;
    }
    plan.operations.push({
      api: 'CreateRoute',
      params: { ...dest(side), ...target_(side) },
      description: `restore route ${label(side)} in ${tableId}`,
      command: command('create-route', side, true),
      inverse: inverse('DeleteRoute', dest(side)),
    });
  }
}
