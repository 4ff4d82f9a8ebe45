/**
 * The revert plan: the minimal AWS operations that make live equal the recorded state
 * again, each with the `aws` CLI command a person would run to do the same by hand. Pure.
 *
 * A drift is reverted by API whole or not at all. Operations that would replace or stop a
 * resource, and any change to a sensitive value (driftgate only ever sees its placeholder),
 * are not planned: the drift is then "revert by Terraform only", and every change of it is
 * listed with the reason — even the ones an API could revert. Reverting half a drift would
 * leave live still drifted, verification would fail, and the half that was written would be
 * rolled back: so nothing is written in the first place.
 */
import { SENSITIVE, type AttributeChange, type Drift } from '../drift/model.js';
import { formatPath } from '../terraform/path.js';
import { IAM_NOT_BY_API, iamOperations } from './revert-iam.js';
import { securityGroupOperations, VPC_RULE_ATTRIBUTES, vpcRuleOperations } from './revert-rules.js';
import { routeOperations } from './revert-routes.js';
import { advisoryOnlyReason, s3Operations } from './revert-s3.js';
import type { RevertOperation, RevertPlan, RevertTarget } from './revert-types.js';
import { awsEc2Command, shellQuote, terraformTargetCommands } from './shell.js';

export type { RevertOperation, RevertPlan, RevertTarget } from './revert-types.js';
export { shellQuote };

const VPC_RULE_TYPES = [
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
];

function tagOperations(drift: Drift, target: RevertTarget, plan: RevertPlan): void {
  const toSet: { Key: string; Value: string }[] = [];
  const toDelete: { Key: string }[] = [];
  for (const change of drift.changes) {
    if (change.path[0] !== 'tags' || typeof change.path[1] !== 'string') continue;
    if (change.recorded === null) toDelete.push({ Key: change.path[1] });
    else toSet.push({ Key: change.path[1], Value: String(change.recorded) });
  }
  const resources = [['--resources', target.id]] as const;
  if (toSet.length) {
    plan.operations.push({
      api: 'CreateTags',
      params: { Resources: [target.id], Tags: toSet },
      description: `set tag${toSet.length > 1 ? 's' : ''} ${toSet.map((tag) => `${tag.Key}=${tag.Value}`).join(', ')} on ${target.id}`,
      // The JSON form: any key or value (commas, quotes, `=`, spaces) arrives exactly.
      command: awsEc2Command(
        'create-tags',
        [...resources, ['--tags', JSON.stringify(toSet)]],
        target.region,
      ),
    });
  }
  if (toDelete.length) {
    plan.operations.push({
      api: 'DeleteTags',
      params: { Resources: [target.id], Tags: toDelete },
      description: `remove tag${toDelete.length > 1 ? 's' : ''} ${toDelete.map((tag) => tag.Key).join(', ')} from ${target.id}`,
      command: awsEc2Command(
        'delete-tags',
        [...resources, ['--tags', JSON.stringify(toDelete)]],
        target.region,
      ),
    });
  }
}

type AttributeOperation = (
  id: string,
  value: boolean,
  region: string | undefined,
) => RevertOperation;

const vpcAttribute =
  (api: 'EnableDnsSupport' | 'EnableDnsHostnames', flag: string): AttributeOperation =>
  (id, value, region) => ({
    api: 'ModifyVpcAttribute',
    params: { VpcId: id, [api]: { Value: value } },
    description: `set ${api.charAt(0).toLowerCase()}${api.slice(1)}=${value} on ${id}`,
    command: awsEc2Command(
      'modify-vpc-attribute',
      [
        ['--vpc-id', id],
        [flag, JSON.stringify({ Value: value })],
      ],
      region,
    ),
  });

/** Attributes with a safe in-place API, by resource type. */
const ATTRIBUTE_OPERATIONS: Record<string, Record<string, AttributeOperation>> = {
  aws_vpc: {
    enable_dns_support: vpcAttribute('EnableDnsSupport', '--enable-dns-support'),
    enable_dns_hostnames: vpcAttribute('EnableDnsHostnames', '--enable-dns-hostnames'),
  },
  aws_subnet: {
    map_public_ip_on_launch: (id, value, region) => ({
      api: 'ModifySubnetAttribute',
      params: { SubnetId: id, MapPublicIpOnLaunch: { Value: value } },
      description: `set mapPublicIpOnLaunch=${value} on ${id}`,
      command: awsEc2Command(
        'modify-subnet-attribute',
        [
          ['--subnet-id', id],
          [`--${value ? '' : 'no-'}map-public-ip-on-launch`, true],
        ],
        region,
      ),
    }),
  },
  aws_instance: {
    source_dest_check: (id, value, region) => ({
      api: 'ModifyInstanceAttribute',
      params: { InstanceId: id, SourceDestCheck: { Value: value } },
      description: `set sourceDestCheck=${value} on ${id}`,
      command: awsEc2Command(
        'modify-instance-attribute',
        [
          ['--instance-id', id],
          [`--${value ? '' : 'no-'}source-dest-check`, true],
        ],
        region,
      ),
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
  aws_vpc_security_group_ingress_rule: {
    security_group_id: 'a different group replaces the rule',
  },
  aws_vpc_security_group_egress_rule: {
    security_group_id: 'a different group replaces the rule',
  },
};

function containsPlaceholder(value: unknown): boolean {
  if (value === SENSITIVE) return true;
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (value && typeof value === 'object') return Object.values(value).some(containsPlaceholder);
  return false;
}

/**
 * A change whose recorded value driftgate does not have: marked sensitive, or carrying the
 * `(sensitive)` placeholder anywhere (fail closed: a placeholder is never written as a value).
 */
function isSensitive(change: AttributeChange): boolean {
  return (
    change.sensitive ||
    containsPlaceholder(change.recorded) ||
    containsPlaceholder(change.element?.recorded)
  );
}

/** Paths the family planners handle themselves (everything else is one attribute). */
function handledByFamily(drift: Drift, head: unknown): boolean {
  return (
    head === 'tags' ||
    head === 'tags_all' ||
    (drift.type === 'aws_security_group' && (head === 'ingress' || head === 'egress')) ||
    (drift.type === 'aws_route_table' && head === 'route') ||
    (VPC_RULE_TYPES.includes(drift.type) &&
      (VPC_RULE_ATTRIBUTES as readonly string[]).includes(String(head)))
  );
}

/**
 * Plan the revert of one drift. `target` is the AWS id of the drifted resource, or the id
 * with the resource's recorded attributes and the stack's region.
 */
export function planRevert(drift: Drift, target: string | RevertTarget): RevertPlan {
  const resource: RevertTarget = typeof target === 'string' ? { id: target } : target;
  const plan: RevertPlan = {
    operations: [],
    refusals: [],
    terraformCommands: terraformTargetCommands(drift.address),
  };
  const advisory = advisoryOnlyReason(drift.type);
  if (advisory) {
    plan.refusals.push({ path: '', reason: advisory });
    return plan;
  }
  if (drift.type.startsWith('aws_s3_bucket')) {
    s3Operations(drift, resource, plan);
    return plan;
  }
  if (drift.action === 'delete') {
    plan.refusals.push({
      path: '',
      reason: 'the resource was deleted; recreating it is for terraform apply',
    });
    return plan;
  }
  const sensitive = drift.changes.filter(isSensitive);
  for (const change of sensitive)
    plan.refusals.push({
      path: formatPath(change.path),
      reason:
        'a sensitive value: driftgate only sees a placeholder and never writes it; terraform apply restores the real value',
    });
  const plain: Drift = {
    ...drift,
    changes: drift.changes.filter((change) => !isSensitive(change)),
  };
  if (drift.type === 'aws_security_group') securityGroupOperations(plain, resource, plan);
  if (drift.type === 'aws_route_table') routeOperations(plain, resource, plan);
  if (VPC_RULE_TYPES.includes(drift.type)) vpcRuleOperations(plain, resource, plan);
  const iam = drift.type.startsWith('aws_iam_');
  const iamHandled = iam ? iamOperations(plain, resource, plan) : new Set<string>();
  if (!iam) tagOperations(plain, resource, plan);
  for (const change of plain.changes) {
    const [head] = change.path;
    if (iam ? iamHandled.has(formatPath(change.path)) : handledByFamily(drift, head)) continue;
    if (iam && head === 'tags_all') continue;
    const operation =
      change.path.length === 1 && typeof change.recorded === 'boolean'
        ? ATTRIBUTE_OPERATIONS[drift.type]?.[String(head)]
        : undefined;
    if (operation) {
      plan.operations.push(operation(resource.id, change.recorded as boolean, resource.region));
      continue;
    }
    const why =
      NEEDS_REPLACEMENT[drift.type]?.[String(head)] ??
      IAM_NOT_BY_API[drift.type]?.[String(head)] ??
      'driftgate has no safe in-place API for it';
    plan.refusals.push({ path: formatPath(change.path), reason: why });
  }
  if (plan.refusals.length && plan.operations.length) {
    // All or nothing: see the module comment.
    const refusedPaths = new Set(plan.refusals.map((refusal) => refusal.path));
    const refused = [...refusedPaths].map((path) => path || drift.address).join(', ');
    const apis = [...new Set(plan.operations.splice(0).map((operation) => operation.api))];
    for (const change of plain.changes) {
      const path = formatPath(change.path);
      if (change.path[0] === 'tags_all' || refusedPaths.has(path)) continue;
      plan.refusals.push({
        path,
        reason: `revertible by API (${apis.join(', ')}) on its own, but this drift also changes ${refused}, which only Terraform can revert: driftgate reverts a drift whole or not at all`,
      });
    }
  }
  return plan;
}
