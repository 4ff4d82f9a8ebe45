/**
 * The AWS provider's model of an S3 bucket's separately managed settings, pure: which
 * attributes driftgate compares, in the provider's shape, and the normalisers that keep an
 * untouched bucket clean. Each normaliser names the false positive it removes.
 */
import { equivalentPolicies } from './policy-document.js';

export const S3_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration',
] as const;
export type S3Type = (typeof S3_TYPES)[number];

export const PUBLIC_ACCESS_BLOCK_FLAGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

/** The bucket a resource belongs to: `bucket`, or the id (the bucket name for every S3 type). */
export function bucketOf(attributes: Record<string, unknown>): string {
  const bucket = attributes.bucket ?? attributes.id;
  // `aws_s3_bucket_versioning` with expected_bucket_owner has the id `bucket,owner`.
  return String(bucket ?? '').split(',')[0]!;
}

/**
 * Live `policy` as compared: the recorded text when the two documents are equivalent.
 * False positive removed: S3 returns the document re-serialised (keys and statements
 * reordered, `"Principal": "*"` for `{"AWS": "*"}`, a one-element list as a string).
 */
export function livePolicyText(recorded: unknown, live: string): string {
  return equivalentPolicies(recorded, live) ? String(recorded) : live;
}

/** The public access block's four flags; a flag the state lacks counts as `false`. */
export function publicAccessBlockView(
  source: Partial<Record<string, unknown>>,
): Record<string, boolean> {
  return Object.fromEntries(PUBLIC_ACCESS_BLOCK_FLAGS.map((flag) => [flag, source[flag] === true]));
}

/**
 * Versioning as the provider records it. False positives removed: a bucket that never had
 * versioning has no status in the API and `Disabled` in state; `mfa_delete` is absent from
 * the API until set and `""` or `Disabled` in state — all three mean disabled.
 */
export function versioningView(status: unknown, mfaDelete: unknown): Record<string, unknown> {
  return {
    status: typeof status === 'string' && status !== '' ? status : 'Disabled',
    mfa_delete: mfaDelete === 'Enabled' ? 'Enabled' : 'Disabled',
  };
}

export function recordedVersioning(attributes: Record<string, unknown>): Record<string, unknown> {
  const configuration = Array.isArray(attributes.versioning_configuration)
    ? ((attributes.versioning_configuration[0] ?? {}) as Record<string, unknown>)
    : {};
  return {
    versioning_configuration: [versioningView(configuration.status, configuration.mfa_delete)],
  };
}

export interface EncryptionRule {
  sse_algorithm: string;
  kms_master_key_id: string;
  bucket_key_enabled: boolean;
}

/**
 * One `rule` block. False positives removed: `kms_master_key_id` is `""` in state and
 * absent in the API for SSE-S3; `bucket_key_enabled` is absent in the API until set.
 */
export function encryptionRuleView(rule: Partial<EncryptionRule>): Record<string, unknown> {
  return {
    apply_server_side_encryption_by_default: [
      { sse_algorithm: rule.sse_algorithm ?? '', kms_master_key_id: rule.kms_master_key_id ?? '' },
    ],
    bucket_key_enabled: rule.bucket_key_enabled === true,
  };
}

export function recordedEncryption(attributes: Record<string, unknown>): Record<string, unknown> {
  const rules = Array.isArray(attributes.rule)
    ? (attributes.rule as Record<string, unknown>[])
    : [];
  return {
    rule: rules.map((rule) => {
      const byDefault = Array.isArray(rule.apply_server_side_encryption_by_default)
        ? ((rule.apply_server_side_encryption_by_default[0] ?? {}) as Record<string, unknown>)
        : {};
      return encryptionRuleView({
        sse_algorithm: byDefault.sse_algorithm as string | undefined,
        kms_master_key_id: byDefault.kms_master_key_id as string | undefined,
        bucket_key_enabled: rule.bucket_key_enabled as boolean | undefined,
      });
    }),
  };
}
