/**
 * The revert plan: the minimal AWS operations that make live equal the recorded state
 * again, each with the `aws` CLI command a person would run to do the same by hand. Pure.
 * Operations that would replace or stop a resource are not planned: the drift is then
 * "revert by Terraform only" and the plan says why.
 */
import { atomsFromBlocks, type RuleAtom } from '../cloud/aws/security-group-rules.js';
import type { AttributeChange, Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';

export interface RevertOperation {
  api: string;
  params: Record<string, unknown>;
  /** One line for the PR: what the operation does. */
  description: string;
  /** The equivalent `aws` CLI command. */
  command: string;
  /**
   * The operation that takes this one back, when the planner knows it (it sees both sides);
   * rollback and undo use it. Otherwise it is derived from the API and the pre-image.
   */
  inverse?: { api: string; params: Record<string, unknown>; description: string };
}

export interface RevertPlan {
  operations: RevertOperation[];
  /** Changes driftgate will not revert by API, with the reason (tier 3 behaviour). */
  refusals: { path: string; reason: string }[];
  /** What `terraform` would do instead, for the "do it by hand" section. */
  terraformCommands: string[];
}

/**
 * The whole set element (a rule block, a route) before and after a change: from the
 * change's element context, or the change itself when it is the element (an added or
 * removed element, `setElement`).
 */
function elementSides(change: AttributeChange): { before: unknown; after: unknown } | undefined {
  if (change.element) return { before: change.element.recorded, after: change.element.live };
  if (change.setElement) return { before: change.recorded, after: change.live };
  if (change.path.length === 2) return { before: change.recorded, after: change.live };
  return undefined;
}

/** A value as one shell word (single-quoted when it needs to be). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function ipPermission(atom: RuleAtom): Record<string, unknown> {
  const base: Record<string, unknown> = { IpProtocol: atom.protocol };
  if (atom.protocol !== '-1')
    Object.assign(base, { FromPort: atom.from_port, ToPort: atom.to_port });
  const description = atom.description ? { Description: atom.description } : {};
  switch (atom.kind) {
    case 'cidr_blocks':
      return { ...base, IpRanges: [{ CidrIp: atom.source, ...description }] };
    case 'ipv6_cidr_blocks':
      return { ...base, Ipv6Ranges: [{ CidrIpv6: atom.source, ...description }] };
    case 'prefix_list_ids':
      return { ...base, PrefixListIds: [{ PrefixListId: atom.source, ...description }] };
    default:
      return {
        ...base,
        UserIdGroupPairs: [{ GroupId: atom.source.split('/').pop(), ...description }],
      };
  }
}

function describeAtom(atom: RuleAtom): string {
  const ports =
    atom.protocol === '-1'
      ? 'all traffic'
      : atom.from_port === atom.to_port
        ? `${atom.protocol}/${atom.from_port}`
        : `${atom.protocol}/${atom.from_port}-${atom.to_port}`;
  return `${ports} ${atom.kind === 'self' ? 'self' : atom.source}`;
}

function ruleOperation(
  verb: 'Authorize' | 'Revoke',
  direction: 'ingress' | 'egress',
  groupId: string,
  atom: RuleAtom,
  selfId: string,
): RevertOperation {
  const resolved =
    atom.kind === 'self' ? { ...atom, kind: 'security_groups' as const, source: selfId } : atom;
  const permission = ipPermission(resolved);
  const api = `${verb}SecurityGroup${direction === 'ingress' ? 'Ingress' : 'Egress'}`;
  const cli = `${verb.toLowerCase()}-security-group-${direction}`;
  return {
    api,
    params: { GroupId: groupId, IpPermissions: [permission] },
    description: `${verb === 'Revoke' ? 'revoke' : 'restore'} ${direction} ${describeAtom(atom)} on ${groupId}`,
    command: `aws ec2 ${cli} --group-id ${groupId} --ip-permissions ${shellQuote(JSON.stringify([permission]))}`,
  };
}

function descriptionOperation(
  direction: 'ingress' | 'egress',
  groupId: string,
  recorded: RuleAtom,
  live: RuleAtom,
): RevertOperation {
  const resolve = (atom: RuleAtom) =>
    atom.kind === 'self' ? { ...atom, kind: 'security_groups' as const, source: groupId } : atom;
  const api = `UpdateSecurityGroupRuleDescriptions${direction === 'ingress' ? 'Ingress' : 'Egress'}`;
  const permission = (atom: RuleAtom) => {
    const base = ipPermission(resolve(atom));
    // An empty description is sent explicitly, so the update clears it.
    for (const list of ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'])
      for (const entry of (base[list] as Record<string, unknown>[] | undefined) ?? [])
        entry.Description = atom.description ?? '';
    return base;
  };
  return {
    api,
    params: { GroupId: groupId, IpPermissions: [permission(recorded)] },
    description: `restore the description of ${direction} ${describeAtom(recorded)} on ${groupId}`,
    command: `aws ec2 update-security-group-rule-descriptions-${direction} --group-id ${groupId} --ip-permissions ${shellQuote(JSON.stringify([permission(recorded)]))}`,
    inverse: {
      api,
      params: { GroupId: groupId, IpPermissions: [permission(live)] },
      description: `undo: put back the description of ${direction} ${describeAtom(live)} on ${groupId}`,
    },
  };
}

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

function routeOperations(drift: Drift, tableId: string, plan: RevertPlan): void {
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
  const destFlags = (side: RouteSide) =>
    `--route-table-id ${tableId} ${side.destination[2]} ${shellQuote(side.destination[3])}`;
  const target = (side: RouteSide) => (side.target ? { [side.target[1]]: side.target[3] } : {});
  const targetFlags = (side: RouteSide) =>
    side.target ? ` ${side.target[2]} ${shellQuote(side.target[3])}` : '';
  const label = (side: RouteSide) =>
    `${side.destination[3]}${side.target ? ` → ${side.target[3]}` : ''}`;
  for (const [id, side] of live) {
    const wanted = recorded.get(id);
    if (!wanted) {
      plan.operations.push({
        api: 'DeleteRoute',
        params: dest(side),
        description: `delete route ${label(side)} from ${tableId}`,
        command: `aws ec2 delete-route ${destFlags(side)}`,
        inverse: {
          api: 'CreateRoute',
          params: { ...dest(side), ...target(side) },
          description: `undo: recreate route ${label(side)}`,
        },
      });
    } else if (JSON.stringify(wanted.target) !== JSON.stringify(side.target)) {
      if (!wanted.target) {
        plan.refusals.push({
          path: 'route',
          reason: `the recorded route to ${side.destination[3]} has no target driftgate can set`,
        });
        continue;
      }
      plan.operations.push({
        api: 'ReplaceRoute',
        params: { ...dest(wanted), ...target(wanted) },
        description: `point route ${wanted.destination[3]} back at ${wanted.target[3]} in ${tableId}`,
        command: `aws ec2 replace-route ${destFlags(wanted)}${targetFlags(wanted)}`,
        inverse: {
          api: 'ReplaceRoute',
          params: { ...dest(side), ...target(side) },
          description: `undo: point route back at ${side.target?.[3] ?? '?'}`,
        },
      });
    }
  }
  for (const [id, side] of recorded) {
    if (live.has(id)) continue;
    if (!side.target) {
      plan.refusals.push({
        path: 'route',
        reason: `the recorded route to ${side.destination[3]} has no target driftgate can set`,
      });
      continue;
    }
    plan.operations.push({
      api: 'CreateRoute',
      params: { ...dest(side), ...target(side) },
      description: `restore route ${label(side)} in ${tableId}`,
      command: `aws ec2 create-route ${destFlags(side)}${targetFlags(side)}`,
      inverse: {
        api: 'DeleteRoute',
        params: dest(side),
        description: `undo: delete route ${label(side)}`,
      },
    });
  }
}

/** Atom keys without descriptions, for set arithmetic. */
const key = (atom: RuleAtom) =>
  JSON.stringify([atom.protocol, atom.from_port, atom.to_port, atom.kind, atom.source]);

function securityGroupOperations(drift: Drift, groupId: string, plan: RevertPlan): void {
  for (const direction of ['ingress', 'egress'] as const) {
    const recorded: RuleAtom[] = [];
    const live: RuleAtom[] = [];
    for (const change of drift.changes.filter((candidate) => candidate.path[0] === direction)) {
      const sides = elementSides(change);
      if (!sides) {
        plan.refusals.push({
          path: formatPath(change.path),
          reason: 'cannot tell which rule changed',
        });
        continue;
      }
      const { before, after } = sides;
      recorded.push(...atomsFromBlocks(before ? [before] : [], undefined));
      live.push(...atomsFromBlocks(after ? [after] : [], undefined));
    }
    const recordedKeys = new Set(recorded.map(key));
    const liveKeys = new Set(live.map(key));
    const seen = new Set<string>();
    // The same rule with another description: one description update, not revoke+authorize.
    const liveByKey = new Map(live.map((atom) => [key(atom), atom]));
    for (const atom of recorded) {
      const other = liveByKey.get(key(atom));
      if (
        !other ||
        (other.description ?? '') === (atom.description ?? '') ||
        seen.has(`d${key(atom)}`)
      )
        continue;
      seen.add(`d${key(atom)}`);
      plan.operations.push(descriptionOperation(direction, groupId, atom, other));
    }
    for (const atom of live) {
      if (!recordedKeys.has(key(atom)) && !seen.has(`r${key(atom)}`)) {
        seen.add(`r${key(atom)}`);
        plan.operations.push(ruleOperation('Revoke', direction, groupId, atom, groupId));
      }
    }
    for (const atom of recorded) {
      if (!liveKeys.has(key(atom)) && !seen.has(`a${key(atom)}`)) {
        seen.add(`a${key(atom)}`);
        plan.operations.push(ruleOperation('Authorize', direction, groupId, atom, groupId));
      }
    }
  }
}

function tagOperations(drift: Drift, resourceId: string, plan: RevertPlan): void {
  const toSet: { Key: string; Value: string }[] = [];
  const toDelete: { Key: string }[] = [];
  for (const change of drift.changes) {
    if (change.path[0] !== 'tags' || typeof change.path[1] !== 'string') continue;
    if (change.recorded === null) toDelete.push({ Key: change.path[1] });
    else toSet.push({ Key: change.path[1], Value: String(change.recorded) });
  }
  if (toSet.length) {
    plan.operations.push({
      api: 'CreateTags',
      params: { Resources: [resourceId], Tags: toSet },
      description: `set tag${toSet.length > 1 ? 's' : ''} ${toSet.map((tag) => `${tag.Key}=${tag.Value}`).join(', ')} on ${resourceId}`,
      command: `aws ec2 create-tags --resources ${resourceId} --tags ${toSet.map((tag) => shellQuote(`Key=${tag.Key},Value=${tag.Value}`)).join(' ')}`,
    });
  }
  if (toDelete.length) {
    plan.operations.push({
      api: 'DeleteTags',
      params: { Resources: [resourceId], Tags: toDelete },
      description: `remove tag${toDelete.length > 1 ? 's' : ''} ${toDelete.map((tag) => tag.Key).join(', ')} from ${resourceId}`,
      command: `aws ec2 delete-tags --resources ${resourceId} --tags ${toDelete.map((tag) => shellQuote(`Key=${tag.Key}`)).join(' ')}`,
    });
  }
}

/** Attributes with a safe in-place API, by resource type. */
const ATTRIBUTE_OPERATIONS: Record<
  string,
  Record<string, (id: string, value: unknown) => RevertOperation>
> = {
  aws_vpc: {
    enable_dns_support: (id, value) => ({
      api: 'ModifyVpcAttribute',
      params: { VpcId: id, EnableDnsSupport: { Value: value } },
      description: `set enableDnsSupport=${value} on ${id}`,
      command: `aws ec2 modify-vpc-attribute --vpc-id ${id} --${value ? '' : 'no-'}enable-dns-support`,
    }),
    enable_dns_hostnames: (id, value) => ({
      api: 'ModifyVpcAttribute',
      params: { VpcId: id, EnableDnsHostnames: { Value: value } },
      description: `set enableDnsHostnames=${value} on ${id}`,
      command: `aws ec2 modify-vpc-attribute --vpc-id ${id} --${value ? '' : 'no-'}enable-dns-hostnames`,
    }),
  },
  aws_subnet: {
    map_public_ip_on_launch: (id, value) => ({
      api: 'ModifySubnetAttribute',
      params: { SubnetId: id, MapPublicIpOnLaunch: { Value: value } },
      description: `set mapPublicIpOnLaunch=${value} on ${id}`,
      command: `aws ec2 modify-subnet-attribute --subnet-id ${id} --${value ? '' : 'no-'}map-public-ip-on-launch`,
    }),
  },
  aws_instance: {
    source_dest_check: (id, value) => ({
      api: 'ModifyInstanceAttribute',
      params: { InstanceId: id, SourceDestCheck: { Value: value } },
      description: `set sourceDestCheck=${value} on ${id}`,
      command: `aws ec2 modify-instance-attribute --instance-id ${id} --${value ? '' : 'no-'}source-dest-check`,
    }),
  },
};

/** Why an attribute is not reverted by API. */
const NEEDS_REPLACEMENT: Record<string, Record<string, string>> = {
  aws_instance: {
    instance_type: 'changing the instance type needs the instance stopped',
    ami: 'a different AMI replaces the instance',
    subnet_id: 'a different subnet replaces the instance',
  },
  aws_vpc: { cidr_block: 'a different CIDR replaces the VPC' },
  aws_subnet: {
    cidr_block: 'a different CIDR replaces the subnet',
    availability_zone: 'a different zone replaces the subnet',
  },
  aws_security_group: {
    name: 'a different name replaces the group',
    description: 'a different description replaces the group',
  },
};

/** Plan the revert of one drift. `resourceId` is the AWS id of the drifted resource. */
export function planRevert(drift: Drift, resourceId: string): RevertPlan {
  const plan: RevertPlan = {
    operations: [],
    refusals: [],
    terraformCommands: [
      `terraform plan -target=${shellQuote(drift.address)}`,
      `terraform apply -target=${shellQuote(drift.address)}`,
    ],
  };
  if (drift.action === 'delete') {
    plan.refusals.push({
      path: '',
      reason: 'the resource was deleted; recreating it is for terraform apply',
    });
    return plan;
  }
  if (drift.type === 'aws_security_group') securityGroupOperations(drift, resourceId, plan);
  if (drift.type === 'aws_route_table') routeOperations(drift, resourceId, plan);
  tagOperations(drift, resourceId, plan);
  for (const change of drift.changes) {
    const [head] = change.path;
    if (
      head === 'tags' ||
      head === 'tags_all' ||
      (drift.type === 'aws_security_group' && (head === 'ingress' || head === 'egress')) ||
      (drift.type === 'aws_route_table' && head === 'route')
    )
      continue;
    if (change.sensitive) {
      plan.refusals.push({
        path: formatPath(change.path),
        reason: 'a sensitive value is restored only by terraform apply',
      });
      continue;
    }
    const operation =
      change.path.length === 1 ? ATTRIBUTE_OPERATIONS[drift.type]?.[String(head)] : undefined;
    if (operation) {
      plan.operations.push(operation(resourceId, change.recorded));
      continue;
    }
    const why =
      NEEDS_REPLACEMENT[drift.type]?.[String(head)] ?? 'driftgate has no safe in-place API for it';
    plan.refusals.push({ path: formatPath(change.path), reason: why });
  }
  return plan;
}
