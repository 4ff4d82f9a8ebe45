/**
 * What an EC2 operation does, said from its own API name and parameters — never from the
 * operation it undoes — so an undo or a rollback step reads as what it really sends (an
 * `AuthorizeSecurityGroupIngress` says "authorize", not "revoke"). And the `aws` command
 * that sends exactly those parameters. Pure.
 */
import { awsIamCommand, describeIamOperation } from './revert-iam.js';
import { describeS3Operation, S3_OPERATIONS } from './operation-schema-s3.js';
import { awsCommand, awsEc2Command } from './shell.js';

type Params = Record<string, unknown>;

const list = (value: unknown): Params[] => (Array.isArray(value) ? (value as Params[]) : []);

function ports(permission: Params): string {
  const protocol = String(permission.IpProtocol ?? '?');
  if (protocol === '-1') return 'all traffic';
  const from = permission.FromPort;
  const to = permission.ToPort;
  return from === to ? `${protocol}/${String(from)}` : `${protocol}/${String(from)}-${String(to)}`;
}

function sources(permission: Params): string[] {
  return [
    ...list(permission.IpRanges).map((range) => String(range.CidrIp)),
    ...list(permission.Ipv6Ranges).map((range) => String(range.CidrIpv6)),
    ...list(permission.PrefixListIds).map((entry) => String(entry.PrefixListId)),
    ...list(permission.UserIdGroupPairs).map((pair) => String(pair.GroupId)),
  ];
}

function descriptions(permission: Params): string[] {
  return [
    ...list(permission.IpRanges),
    ...list(permission.Ipv6Ranges),
    ...list(permission.PrefixListIds),
    ...list(permission.UserIdGroupPairs),
  ].map((entry) => JSON.stringify(String(entry.Description ?? '')));
}

function rules(params: Params): string {
  return list(params.IpPermissions)
    .map((permission) => `${ports(permission)} ${sources(permission).join(', ')}`)
    .join('; ');
}

function tagList(params: Params, withValues: boolean): string {
  return list(params.Tags)
    .map((tag) => (withValues ? `${String(tag.Key)}=${String(tag.Value)}` : String(tag.Key)))
    .join(', ');
}

const ROUTE_DESTINATIONS = [
  'DestinationCidrBlock',
  'DestinationIpv6CidrBlock',
  'DestinationPrefixListId',
];

function routeDestination(params: Params): string {
  return String(ROUTE_DESTINATIONS.map((key) => params[key]).find((value) => value) ?? '?');
}

function routeTarget(params: Params): string {
  const entry = Object.entries(params).find(
    ([key, value]) => key !== 'RouteTableId' && !ROUTE_DESTINATIONS.includes(key) && value,
  );
  return entry ? String(entry[1]) : 'no target';
}

function vpcRule(rule: Params): string {
  const source =
    rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupId ?? '?';
  return `${ports(rule)} ${String(source)}${rule.Description ? ` (${JSON.stringify(rule.Description)})` : ''}`;
}

/** One line saying what `api` with `params` does. */
export function describeOperation(api: string, params: Params): string {
  const rule = /^(Authorize|Revoke)SecurityGroup(Ingress|Egress)$/.exec(api);
  if (rule)
    return `${rule[1]!.toLowerCase()} ${rule[2]!.toLowerCase()} ${rules(params)} on ${String(params.GroupId)}`;
  const description = /^UpdateSecurityGroupRuleDescriptions(Ingress|Egress)$/.exec(api);
  if (description)
    return `set the description of ${description[1]!.toLowerCase()} ${rules(params)} on ${String(params.GroupId)} to ${list(params.IpPermissions).flatMap(descriptions).join(', ')}`;
  const modify = /^Modify(Vpc|Subnet|Instance)Attribute$/.exec(api);
  if (modify) {
    const [attribute, value] = Object.entries(params).find(
      ([key]) => !/^(VpcId|SubnetId|InstanceId)$/.test(key),
    ) ?? ['?', {}];
    const id = params.VpcId ?? params.SubnetId ?? params.InstanceId;
    const name = attribute.charAt(0).toLowerCase() + attribute.slice(1);
    return `set ${name}=${String((value as Params).Value)} on ${String(id)}`;
  }
  const resources = list(params.Resources).map(String).join(', ');
  switch (api) {
    case 'CreateTags':
      return `set tags ${tagList(params, true)} on ${resources}`;
    case 'DeleteTags':
      return `remove tags ${tagList(params, false)} from ${resources}`;
    case 'CreateRoute':
      return `create route ${routeDestination(params)} → ${routeTarget(params)} in ${String(params.RouteTableId)}`;
    case 'DeleteRoute':
      return `delete route ${routeDestination(params)} from ${String(params.RouteTableId)}`;
    case 'ReplaceRoute':
      return `point route ${routeDestination(params)} at ${routeTarget(params)} in ${String(params.RouteTableId)}`;
    case 'ModifySecurityGroupRules':
      return list(params.SecurityGroupRules)
        .map(
          (entry) =>
            `set rule ${String(entry.SecurityGroupRuleId)} of ${String(params.GroupId)} to ${vpcRule((entry.SecurityGroupRule ?? {}) as Params)}`,
        )
        .join('; ');
    default:
      return describeIamOperation(api, params) ?? describeS3Operation(api, params) ?? api;
  }
}

/** `ModifyVpcAttribute` → `modify-vpc-attribute`. */
export function cliName(api: string): string {
  return api.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The `aws` command that sends exactly `params`: `--cli-input-json` takes the API's own
 * shape, so nothing is lost translating parameters into flags.
 */
export function awsCommandFor(api: string, params: Params, region: string | undefined): string {
  if (describeIamOperation(api, params)) return awsIamCommand(api, params);
  if (S3_OPERATIONS.includes(api)) return awsCommand('s3api', api, params, region);
  return awsEc2Command(cliName(api), [['--cli-input-json', JSON.stringify(params)]], region);
}
