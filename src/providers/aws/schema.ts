/**
 * What driftgate knows of the AWS provider's schema: which attributes are sets (their
 * order carries no meaning, so re-ordering is not drift) and which are always sensitive.
 * Terraform's JSON output renders sets as arrays, so without this a re-ordered
 * `vpc_security_group_ids` would look like a change. Set-nested blocks (`ingress`,
 * `aws_autoscaling_group`'s `tag`) come from the block table in providers/aws/blocks.ts.
 */
import type { SetPredicate } from '../../drift/diff.js';
import { setBlockPaths } from './blocks.js';
import { IAM_SET_ATTRIBUTES } from './iam.js';

const SECURITY_GROUP_RULE_SETS = [
  'cidr_blocks',
  'ipv6_cidr_blocks',
  'prefix_list_ids',
  'security_groups',
];

/** Set-typed attributes, as dotted schema paths without indexes. */
const SET_ATTRIBUTES: Record<string, string[]> = {
  aws_security_group: [
    'ingress',
    'egress',
    ...SECURITY_GROUP_RULE_SETS.flatMap((name) => [`ingress.${name}`, `egress.${name}`]),
  ],
  aws_security_group_rule: SECURITY_GROUP_RULE_SETS,
  aws_default_security_group: [
    'ingress',
    'egress',
    ...SECURITY_GROUP_RULE_SETS.flatMap((name) => [`ingress.${name}`, `egress.${name}`]),
  ],
  aws_network_acl: ['ingress', 'egress', 'subnet_ids'],
  aws_default_network_acl: ['ingress', 'egress', 'subnet_ids'],
  aws_route_table: ['route', 'propagating_vgws'],
  aws_default_route_table: ['route', 'propagating_vgws'],
  aws_instance: [
    'vpc_security_group_ids',
    'security_groups',
    'ebs_block_device',
    'ephemeral_block_device',
    'network_interface',
  ],
  aws_launch_template: ['vpc_security_group_ids', 'security_group_names'],
  aws_vpc_endpoint: ['route_table_ids', 'subnet_ids', 'security_group_ids', 'dns_entry'],
  aws_lb: ['security_groups', 'subnets', 'subnet_mapping'],
  aws_db_instance: ['vpc_security_group_ids', 'enabled_cloudwatch_logs_exports'],
  aws_rds_cluster: [
    'vpc_security_group_ids',
    'availability_zones',
    'enabled_cloudwatch_logs_exports',
  ],
  aws_db_subnet_group: ['subnet_ids'],
  aws_elasticache_cluster: ['security_group_ids'],
  aws_eks_cluster: [
    'vpc_config.subnet_ids',
    'vpc_config.security_group_ids',
    'vpc_config.public_access_cidrs',
  ],
  ...IAM_SET_ATTRIBUTES,
  aws_iam_user: [],
  aws_iam_group_membership: ['users'],
  aws_iam_policy_attachment: ['users', 'roles', 'groups'],
};

/** Attributes the AWS provider marks sensitive, masked even when a plan omits the mask. */
const SENSITIVE_ATTRIBUTES: Record<string, string[]> = {
  aws_db_instance: ['password'],
  aws_rds_cluster: ['master_password'],
  aws_iam_access_key: ['secret', 'ses_smtp_password_v4', 'encrypted_secret'],
  aws_iam_user_login_profile: ['password', 'encrypted_password'],
  aws_secretsmanager_secret_version: ['secret_string', 'secret_binary'],
  aws_ssm_parameter: ['value'],
  aws_elasticache_replication_group: ['auth_token'],
  aws_mq_broker: ['user.password'],
  aws_redshift_cluster: ['master_password'],
  aws_docdb_cluster: ['master_password'],
  aws_instance: ['password_data'],
};

/** Set-typed attributes and set-nested blocks (from the provider's block table). */
export function setPredicateFor(resourceType: string): SetPredicate {
  const sets = new Set([...(SET_ATTRIBUTES[resourceType] ?? []), ...setBlockPaths(resourceType)]);
  return (schemaPath) => sets.has(schemaPath.join('.'));
}

/** Every resource type this table describes (each must also have a nested-block entry). */
export const DESCRIBED_RESOURCE_TYPES: readonly string[] = [
  ...new Set([...Object.keys(SET_ATTRIBUTES), ...Object.keys(SENSITIVE_ATTRIBUTES)]),
];

export function knownSensitiveAttributes(resourceType: string): string[][] {
  return (SENSITIVE_ATTRIBUTES[resourceType] ?? []).map((dotted) => dotted.split('.'));
}
