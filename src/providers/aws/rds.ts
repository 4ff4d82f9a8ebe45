/**
 * The AWS provider's model of `aws_db_instance`, pure: the attributes driftgate compares
 * and their provider shape. Databases are tier 3 by default (src/policy/tiers.ts): drift is
 * reported and codified, never reverted by driftgate.
 */
export const RDS_TYPES = ['aws_db_instance'] as const;

export const DB_INSTANCE_COMPARED = [
  'instance_class',
  'allocated_storage',
  'publicly_accessible',
  'vpc_security_group_ids',
  'backup_retention_period',
  'deletion_protection',
  'multi_az',
  'storage_encrypted',
  'parameter_group_name',
] as const;

/**
 * The database's identifier: provider v5 records the resource id (`db-…`) as `id` and the
 * name as `identifier`; v4 recorded the name as both.
 */
export function dbIdentifierOf(attributes: Record<string, unknown>): string {
  return String(attributes.identifier ?? attributes.id ?? '');
}

/** What the API says of a database, already in plain values. */
export interface LiveDbInstance {
  instanceClass?: string | undefined;
  allocatedStorage?: number | undefined;
  publiclyAccessible?: boolean | undefined;
  securityGroupIds: string[];
  backupRetentionPeriod?: number | undefined;
  deletionProtection?: boolean | undefined;
  multiAz?: boolean | undefined;
  storageEncrypted?: boolean | undefined;
  parameterGroupName?: string | undefined;
}

/**
 * The compared attributes in the provider's shape. False positive removed: the security
 * group ids are a set (the API orders them its own way), sorted on both sides.
 */
export function dbInstanceView(live: LiveDbInstance): Record<string, unknown> {
  return {
    instance_class: live.instanceClass ?? null,
    allocated_storage: live.allocatedStorage ?? null,
    publicly_accessible: live.publiclyAccessible ?? false,
    vpc_security_group_ids: [...live.securityGroupIds].sort(),
    backup_retention_period: live.backupRetentionPeriod ?? null,
    deletion_protection: live.deletionProtection ?? false,
    multi_az: live.multiAz ?? false,
    storage_encrypted: live.storageEncrypted ?? false,
    parameter_group_name: live.parameterGroupName ?? null,
  };
}

export function recordedDbInstanceView(
  attributes: Record<string, unknown>,
): Record<string, unknown> {
  const ids = Array.isArray(attributes.vpc_security_group_ids)
    ? (attributes.vpc_security_group_ids as string[])
    : [];
  return {
    instance_class: attributes.instance_class ?? null,
    allocated_storage: attributes.allocated_storage ?? null,
    publicly_accessible: attributes.publicly_accessible ?? false,
    vpc_security_group_ids: [...ids].sort(),
    backup_retention_period: attributes.backup_retention_period ?? null,
    deletion_protection: attributes.deletion_protection ?? false,
    multi_az: attributes.multi_az ?? false,
    storage_encrypted: attributes.storage_encrypted ?? false,
    parameter_group_name: attributes.parameter_group_name ?? null,
  };
}
