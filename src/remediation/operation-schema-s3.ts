/**
 * The S3 operations the revert planner writes (revert-s3.ts), and the params each must
 * have when a ledger record is read back. Every one carries its recorded inverse. Pure.
 */
import { z } from 'zod';

const bucket = { Bucket: z.string().min(1) };
const flag = z.boolean();

export const S3_OPERATION_PARAMS: Record<string, z.ZodType<Record<string, unknown>>> = {
  PutBucketPolicy: z.object({ ...bucket, Policy: z.string().min(1) }).strict(),
  DeleteBucketPolicy: z.object(bucket).strict(),
  PutPublicAccessBlock: z
    .object({
      ...bucket,
      PublicAccessBlockConfiguration: z
        .object({
          BlockPublicAcls: flag,
          BlockPublicPolicy: flag,
          IgnorePublicAcls: flag,
          RestrictPublicBuckets: flag,
        })
        .strict(),
    })
    .strict(),
  DeletePublicAccessBlock: z.object(bucket).strict(),
  PutBucketVersioning: z
    .object({
      ...bucket,
      VersioningConfiguration: z.object({ Status: z.enum(['Enabled', 'Suspended']) }).strict(),
    })
    .strict(),
  PutBucketEncryption: z
    .object({
      ...bucket,
      ServerSideEncryptionConfiguration: z
        .object({ Rules: z.array(z.record(z.string(), z.unknown())).min(1) })
        .strict(),
    })
    .strict(),
  DeleteBucketEncryption: z.object(bucket).strict(),
  PutBucketTagging: z
    .object({
      ...bucket,
      Tagging: z
        .object({ TagSet: z.array(z.object({ Key: z.string(), Value: z.string() }).strict()) })
        .strict(),
    })
    .strict(),
  DeleteBucketTagging: z.object(bucket).strict(),
};

export const S3_OPERATIONS: readonly string[] = Object.keys(S3_OPERATION_PARAMS);

/** One line saying what an S3 operation does, or undefined for another API. */
export function describeS3Operation(
  api: string,
  params: Record<string, unknown>,
): string | undefined {
  const bucketName = String(params.Bucket);
  switch (api) {
    case 'PutBucketPolicy':
      return `put the bucket policy of ${bucketName} back as recorded`;
    case 'DeleteBucketPolicy':
      return `delete the bucket policy of ${bucketName}`;
    case 'PutPublicAccessBlock': {
      const configuration = (params.PublicAccessBlockConfiguration ?? {}) as Record<
        string,
        unknown
      >;
      return `set the public access block of ${bucketName} to ${Object.entries(configuration)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ')}`;
    }
    case 'DeletePublicAccessBlock':
      return `delete the public access block of ${bucketName}`;
    case 'PutBucketVersioning':
      return `set versioning of ${bucketName} to ${String((params.VersioningConfiguration as { Status?: unknown } | undefined)?.Status)}`;
    case 'PutBucketEncryption':
      return `set the default encryption of ${bucketName}`;
    case 'DeleteBucketEncryption':
      return `delete the default encryption configuration of ${bucketName}`;
    case 'PutBucketTagging': {
      const tags = (
        (params.Tagging as { TagSet?: { Key: string; Value: string }[] } | undefined)?.TagSet ?? []
      )
        .map((tag) => `${tag.Key}=${tag.Value}`)
        .join(', ');
      return `set the tags of ${bucketName} to ${tags}`;
    }
    case 'DeleteBucketTagging':
      return `remove every tag from ${bucketName}`;
    default:
      return undefined;
  }
}
