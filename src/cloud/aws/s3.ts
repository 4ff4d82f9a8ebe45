/**
 * S3 buckets and their separately managed settings (`aws_s3_bucket` tags,
 * `aws_s3_bucket_policy`, `_public_access_block`, `_versioning`,
 * `_server_side_encryption_configuration`). S3 has no batch read of bucket settings, so
 * this costs one paged ListBuckets (which buckets still exist) plus one Get* call per
 * resource in state, run at most `S3_CONCURRENCY` at a time and counted like every call.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  bucketOf,
  encryptionRuleView,
  livePolicyText,
  publicAccessBlockView,
  recordedEncryption,
  recordedVersioning,
  versioningView,
  S3_TYPES,
} from '../../providers/aws/s3.js';
import type { StateInstance } from '../../terraform/state.js';
import {
  liveTagAttributes,
  recordedTagAttributes,
  type Comparison,
  type ResourceFamily,
} from './family.js';
import { inPool } from './pool.js';

/** Per-bucket calls in flight at once: S3 allows far more, but the scan shares the account. */
export const S3_CONCURRENCY = 8;

type View = Record<string, unknown>;

/** The API's "this setting is not there" errors: the resource is gone, not the scan. */
const ABSENT = new Set([
  'NoSuchBucket',
  'NoSuchBucketPolicy',
  'NoSuchPublicAccessBlockConfiguration',
  'ServerSideEncryptionConfigurationNotFoundError',
]);

async function orAbsent<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (ABSENT.has((error as { name?: string }).name ?? '')) return null;
    throw error;
  }
}

async function liveTags(s3: S3Client, Bucket: string): Promise<Record<string, string> | null> {
  try {
    const response = await s3.send(new GetBucketTaggingCommand({ Bucket }));
    return Object.fromEntries((response.TagSet ?? []).map((tag) => [tag.Key!, tag.Value ?? '']));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchTagSet') return {};
    if (name === 'NoSuchBucket') return null;
    throw error;
  }
}

function recordedView(instance: StateInstance): View {
  const attributes = instance.attributes;
  switch (instance.type) {
    case 'aws_s3_bucket':
      return { ...recordedTagAttributes(attributes) };
    case 'aws_s3_bucket_policy':
      return { policy: attributes.policy ?? null };
    case 'aws_s3_bucket_public_access_block':
      return publicAccessBlockView(attributes);
    case 'aws_s3_bucket_versioning':
      return recordedVersioning(attributes);
    default:
      return recordedEncryption(attributes);
  }
}

async function liveView(s3: S3Client, instance: StateInstance): Promise<View | null> {
  const Bucket = bucketOf(instance.attributes);
  switch (instance.type) {
    case 'aws_s3_bucket': {
      const tags = await liveTags(s3, Bucket);
      return tags && liveTagAttributes(tags, instance.attributes);
    }
    case 'aws_s3_bucket_policy': {
      const response = await orAbsent(() => s3.send(new GetBucketPolicyCommand({ Bucket })));
      return response?.Policy
        ? { policy: livePolicyText(instance.attributes.policy, response.Policy) }
        : null;
    }
    case 'aws_s3_bucket_public_access_block': {
      const response = await orAbsent(() => s3.send(new GetPublicAccessBlockCommand({ Bucket })));
      const configuration = response?.PublicAccessBlockConfiguration;
      return configuration
        ? publicAccessBlockView({
            block_public_acls: configuration.BlockPublicAcls,
            block_public_policy: configuration.BlockPublicPolicy,
            ignore_public_acls: configuration.IgnorePublicAcls,
            restrict_public_buckets: configuration.RestrictPublicBuckets,
          })
        : null;
    }
    case 'aws_s3_bucket_versioning': {
      const response = await orAbsent(() => s3.send(new GetBucketVersioningCommand({ Bucket })));
      return (
        response && {
          versioning_configuration: [versioningView(response.Status, response.MFADelete)],
        }
      );
    }
    default: {
      const response = await orAbsent(() => s3.send(new GetBucketEncryptionCommand({ Bucket })));
      const rules = response?.ServerSideEncryptionConfiguration?.Rules;
      return rules
        ? {
            rule: rules.map((rule) =>
              encryptionRuleView({
                sse_algorithm: rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
                kms_master_key_id: rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
                bucket_key_enabled: rule.BucketKeyEnabled,
              }),
            ),
          }
        : null;
    }
  }
}

/** Every bucket name the credentials can see: ListBuckets, up to 10,000 a page. */
async function existingBuckets(s3: S3Client): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const page of paginateListBuckets({ client: s3, pageSize: 10_000 }, {}))
    for (const bucket of page.Buckets ?? []) if (bucket.Name) names.add(bucket.Name);
  return names;
}

export const s3Family: ResourceFamily = {
  name: 'S3 buckets',
  types: S3_TYPES,
  async scan(session, instances) {
    const s3 = session.s3();
    const buckets = await existingBuckets(s3);
    const comparisons = await inPool(
      instances,
      S3_CONCURRENCY,
      async (instance): Promise<Comparison> => ({
        instance,
        recorded: recordedView(instance),
        live: buckets.has(bucketOf(instance.attributes)) ? await liveView(s3, instance) : null,
      }),
    );
    return { comparisons };
  },
};
