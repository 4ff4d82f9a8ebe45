/**
 * Nested-block kinds of the AWS provider's resources, as data: for each resource type
 * driftgate names, which of its arguments are written as nested blocks, how they nest
 * (`list` — ordered, `maxItems: 1` for a single block — or `set` — unordered, matched by
 * content) and whether the provider accepts the attributes-as-blocks form (`ingress = []`),
 * which is the only way to say "manage this direction, and it has no rules".
 *
 * Derived by reading terraform-provider-aws's schema definitions (internal/service/*: the
 * `schema.TypeList` / `schema.TypeSet` entries whose `Elem` is a `schema.Resource`, their
 * `MaxItems`, and `ConfigMode: schema.SchemaConfigModeAttr`) and the resource docs. The
 * SDKv2 provider has no `single` nesting; a `MaxItems: 1` list is how it writes one block.
 * `timeouts` (every resource) is left out: driftgate never sees it drift.
 */

export type BlockNesting = 'list' | 'set';

export interface BlockSchema {
  nesting: BlockNesting;
  /** 1 for a block that may appear once (`metadata_options`). */
  maxItems?: number;
  /** `ConfigMode: SchemaConfigModeAttr`: `name = []` is valid and means "none". */
  attributesAsBlocks?: boolean;
  /** Arguments the provider computes and never reads from the code. */
  computedOnly?: string[];
  blocks?: Record<string, BlockSchema>;
}

export type ResourceBlocks = Readonly<Record<string, BlockSchema>>;

const one = (blocks?: Record<string, BlockSchema>, computedOnly?: string[]): BlockSchema => ({
  nesting: 'list',
  maxItems: 1,
  ...(blocks ? { blocks } : {}),
  ...(computedOnly ? { computedOnly } : {}),
});
const list = (blocks?: Record<string, BlockSchema>): BlockSchema => ({
  nesting: 'list',
  ...(blocks ? { blocks } : {}),
});
const set = (blocks?: Record<string, BlockSchema>, computedOnly?: string[]): BlockSchema => ({
  nesting: 'set',
  ...(blocks ? { blocks } : {}),
  ...(computedOnly ? { computedOnly } : {}),
});
const ruleSet: BlockSchema = { nesting: 'set', attributesAsBlocks: true };

const SECURITY_GROUP: ResourceBlocks = { ingress: ruleSet, egress: ruleSet };
const NETWORK_ACL: ResourceBlocks = { ingress: ruleSet, egress: ruleSet };
const ROUTE_TABLE: ResourceBlocks = { route: ruleSet };

const INSTANCE_REQUIREMENTS = one({
  accelerator_count: one(),
  accelerator_total_memory_mib: one(),
  baseline_ebs_bandwidth_mbps: one(),
  memory_gib_per_vcpu: one(),
  memory_mib: one(),
  network_bandwidth_gbps: one(),
  network_interface_count: one(),
  total_local_storage_gb: one(),
  vcpu_count: one(),
});

/** Resource type → top-level nested blocks. A type listed with `{}` has none. */
export const AWS_RESOURCE_BLOCKS: Readonly<Record<string, ResourceBlocks>> = {
  aws_security_group: SECURITY_GROUP,
  aws_default_security_group: SECURITY_GROUP,
  aws_security_group_rule: {},
  aws_vpc_security_group_ingress_rule: {},
  aws_vpc_security_group_egress_rule: {},
  aws_network_acl: NETWORK_ACL,
  aws_default_network_acl: NETWORK_ACL,
  aws_route_table: ROUTE_TABLE,
  aws_default_route_table: ROUTE_TABLE,
  aws_route: {},
  aws_vpc: {},
  aws_subnet: {},
  aws_internet_gateway: {},
  aws_nat_gateway: {},
  aws_instance: {
    capacity_reservation_specification: one({ capacity_reservation_target: one() }),
    cpu_options: one(),
    credit_specification: one(),
    ebs_block_device: set(undefined, ['volume_id']),
    enclave_options: one(),
    ephemeral_block_device: set(),
    instance_market_options: one({ spot_options: one() }),
    launch_template: one(),
    maintenance_options: one(),
    metadata_options: one(),
    network_interface: set(),
    private_dns_name_options: one(),
    root_block_device: one(undefined, ['device_name', 'volume_id']),
  },
  aws_launch_template: {
    block_device_mappings: list({ ebs: one() }),
    capacity_reservation_specification: one({ capacity_reservation_target: one() }),
    cpu_options: one(),
    credit_specification: one(),
    elastic_gpu_specifications: list(),
    elastic_inference_accelerator: one(),
    enclave_options: one(),
    hibernation_options: one(),
    iam_instance_profile: one(),
    instance_market_options: one({ spot_options: one() }),
    instance_requirements: INSTANCE_REQUIREMENTS,
    license_specification: set(),
    maintenance_options: one(),
    metadata_options: one(),
    monitoring: one(),
    network_interfaces: list(),
    placement: one(),
    private_dns_name_options: one(),
    tag_specifications: list(),
  },
  aws_autoscaling_group: {
    availability_zone_distribution: one(),
    initial_lifecycle_hook: set(),
    instance_maintenance_policy: one(),
    instance_refresh: one({ preferences: one() }),
    launch_template: one(),
    mixed_instances_policy: one({
      instances_distribution: one(),
      launch_template: one({
        launch_template_specification: one(),
        override: list({
          instance_requirements: INSTANCE_REQUIREMENTS,
          launch_template_specification: one(),
        }),
      }),
    }),
    tag: set(),
    traffic_source: set(),
    warm_pool: one({ instance_reuse_policy: one() }),
  },
  aws_lb: { access_logs: one(), connection_logs: one(), subnet_mapping: set() },
  aws_lb_listener: {
    default_action: list({
      authenticate_cognito: one(),
      authenticate_oidc: one(),
      fixed_response: one(),
      forward: one({ stickiness: one(), target_group: set() }),
      redirect: one(),
    }),
    mutual_authentication: one(),
  },
  aws_lb_target_group: { health_check: one(), stickiness: one(), target_failover: list() },
  aws_s3_bucket: {},
  aws_s3_bucket_policy: {},
  aws_s3_bucket_public_access_block: {},
  aws_s3_bucket_versioning: { versioning_configuration: one() },
  aws_s3_bucket_server_side_encryption_configuration: {
    rule: set({ apply_server_side_encryption_by_default: one() }),
  },
  aws_elb: { access_logs: one(), health_check: one(), listener: set() },
  aws_vpc_endpoint: { dns_options: one(), subnet_configuration: set() },
  aws_db_instance: { blue_green_update: one(), restore_to_point_in_time: one(), s3_import: one() },
  aws_rds_cluster: {
    restore_to_point_in_time: one(),
    s3_import: one(),
    scaling_configuration: one(),
    serverlessv2_scaling_configuration: one(),
  },
  aws_db_subnet_group: {},
  aws_elasticache_cluster: { log_delivery_configuration: set() },
  aws_eks_cluster: {
    access_config: one(),
    encryption_config: one({ provider: one() }),
    kubernetes_network_config: one(),
    outpost_config: one({ control_plane_placement: one() }),
    vpc_config: one(),
  },
  aws_elasticache_replication_group: { log_delivery_configuration: set() },
  aws_mq_broker: {
    configuration: one(),
    encryption_options: one(),
    ldap_server_metadata: one(),
    logs: one(),
    maintenance_window_start_time: one(),
    user: set(),
  },
  aws_redshift_cluster: { logging: one(), snapshot_copy: one() },
  aws_docdb_cluster: { restore_to_point_in_time: one() },
  aws_secretsmanager_secret_version: {},
  aws_ssm_parameter: {},
  aws_iam_access_key: {},
  aws_iam_user_login_profile: {},
  aws_iam_role: { inline_policy: set() },
  aws_iam_user: {},
  aws_iam_role_policy: {},
  aws_iam_role_policy_attachment: {},
  aws_iam_policy: {},
  aws_iam_user_policy: {},
  aws_iam_user_policy_attachment: {},
  aws_iam_group_membership: {},
  aws_iam_policy_attachment: {},
};

/** The schema of the nested block at `schemaPath` (block names, no indexes), if it is one. */
export function blockSchemaAt(
  resourceType: string,
  schemaPath: readonly string[],
): BlockSchema | undefined {
  let blocks: Readonly<Record<string, BlockSchema>> | undefined = AWS_RESOURCE_BLOCKS[resourceType];
  let found: BlockSchema | undefined;
  for (const name of schemaPath) {
    found = blocks?.[name];
    if (!found) return undefined;
    blocks = found.blocks;
  }
  return found;
}

/** Dotted schema paths of every set-nested block of a resource type (for the differ). */
export function setBlockPaths(resourceType: string): string[] {
  const paths: string[] = [];
  const walk = (blocks: Readonly<Record<string, BlockSchema>> | undefined, prefix: string[]) => {
    for (const [name, schema] of Object.entries(blocks ?? {})) {
      const path = [...prefix, name];
      if (schema.nesting === 'set') paths.push(path.join('.'));
      walk(schema.blocks, path);
    }
  };
  walk(AWS_RESOURCE_BLOCKS[resourceType], []);
  return paths;
}
