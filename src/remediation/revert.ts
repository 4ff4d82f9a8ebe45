/**
 * The revert plan: the minimal AWS operations that make live equal the recorded state
 * again, each with the `aws` CLI command a person would run to do the same by hand. Pure.
 * Operations that would replace or stop a resource are not planned: the drift is then
 * "revert by Terraform only" and the plan says why.
 */
import { atomsFromBlocks, type RuleAtom } from '../cloud/aws/security-group-rules.js';
import type { Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';

export interface RevertOperation {
  api: string;
  params: Record<string, unknown>;
  /** One line for the PR: what the operation does. */
  description: string;
  /** The equivalent `aws` CLI command. */
  command: string;
}

export interface RevertPlan {
  operations: RevertOperation[];
  /** Changes driftgate will not revert by API, with the reason (tier 3 behaviour). */
  refusals: { path: string; reason: string }[];
  /** What `terraform` would do instead, for the "do it by hand" section. */
  terraformCommands: string[];
}

function shellQuote(value: string): string {
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

/** Atom keys without descriptions, for set arithmetic. */
const key = (atom: RuleAtom) =>
  JSON.stringify([atom.protocol, atom.from_port, atom.to_port, atom.kind, atom.source]);

function securityGroupOperations(drift: Drift, groupId: string, plan: RevertPlan): void {
  for (const direction of ['ingress', 'egress'] as const) {
    const recorded: RuleAtom[] = [];
    const live: RuleAtom[] = [];
    for (const change of drift.changes.filter((candidate) => candidate.path[0] === direction)) {
      const before = change.element
        ? change.element.recorded
        : change.path.length === 2
          ? change.recorded
          : undefined;
      const after = change.element
        ? change.element.live
        : change.path.length === 2
          ? change.live
          : undefined;
      if (before === undefined && after === undefined) {
        plan.refusals.push({
          path: formatPath(change.path),
          reason: 'cannot tell which rule changed',
        });
        continue;
      }
      recorded.push(...atomsFromBlocks(before ? [before] : [], undefined));
      live.push(...atomsFromBlocks(after ? [after] : [], undefined));
    }
    const recordedKeys = new Set(recorded.map(key));
    const liveKeys = new Set(live.map(key));
    const seen = new Set<string>();
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
  tagOperations(drift, resourceId, plan);
  for (const change of drift.changes) {
    const [head] = change.path;
    if (
      head === 'tags' ||
      head === 'tags_all' ||
      (drift.type === 'aws_security_group' && (head === 'ingress' || head === 'egress'))
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
