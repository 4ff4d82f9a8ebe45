/**
 * Where recorded state lives: a local file, or an object in S3 (the `s3` backend).
 * Workspaces other than `default` live under `<workspace_key_prefix>/<workspace>/<key>`,
 * with the prefix `env:` unless the backend block says otherwise.
 */
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, type AwsConnection } from '../cloud/aws/clients.js';
import { DriftgateError } from '../errors.js';
import { parseState, type TerraformState } from './state.js';
import type { BackendDeclaration } from './stack.js';

export interface S3StateLocation {
  bucket: string;
  key: string;
  region?: string | undefined;
}

export function parseS3Url(url: string): S3StateLocation {
  const match = url.match(/^s3:\/\/([^/]+)\/(.+)$/);
  if (!match) throw new DriftgateError(`not an S3 URL (expected s3://bucket/key): ${url}`);
  return { bucket: match[1]!, key: match[2]! };
}

/** The object key a workspace's state is stored under, as the S3 backend computes it. */
export function workspaceStateKey(
  key: string,
  workspace: string | undefined,
  prefix = 'env:',
): string {
  if (!workspace || workspace === 'default') return key;
  return `${prefix}/${workspace}/${key}`;
}

/** The S3 location named by a stack's `backend "s3" { bucket, key, region }` block. */
export function s3LocationFromBackend(
  backend: BackendDeclaration,
  workspace?: string,
): S3StateLocation {
  const { bucket, key, region, workspace_key_prefix: prefix } = backend.config;
  if (backend.type !== 's3') {
    throw new DriftgateError(
      `backend "${backend.type}" is not supported; pass --state with a file or s3:// URL`,
      {
        file: backend.block.file,
        line: backend.block.range.line,
      },
    );
  }
  if (typeof bucket !== 'string' || typeof key !== 'string') {
    throw new DriftgateError('backend "s3" needs literal bucket and key settings', {
      file: backend.block.file,
      line: backend.block.range.line,
    });
  }
  return {
    bucket,
    key: workspaceStateKey(key, workspace, typeof prefix === 'string' ? prefix : undefined),
    region: typeof region === 'string' ? region : undefined,
  };
}

export async function readStateFile(path: string): Promise<TerraformState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DriftgateError(
      `cannot read state: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  return parseState(text, path);
}

export async function readStateFromS3(
  location: S3StateLocation,
  connection: AwsConnection = {},
  /** A client to use (e.g. one with an assumed role); otherwise one is made from `connection`. */
  sharedClient?: S3Client,
): Promise<TerraformState> {
  const source = `s3://${location.bucket}/${location.key}`;
  const client =
    sharedClient ??
    new S3Client(awsClientConfig({ ...connection, region: location.region ?? connection.region }));
  try {
    const response = await client.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    const text = await response.Body!.transformToString('utf8');
    return parseState(text, source);
  } catch (error) {
    if (error instanceof DriftgateError) throw error;
    const name = (error as { name?: string }).name ?? 'Error';
    const reason =
      name === 'NoSuchKey'
        ? 'no state object at this key'
        : name === 'NoSuchBucket'
          ? 'the bucket does not exist'
          : `${name}: ${(error as Error).message}`;
    throw new DriftgateError(`cannot read state from S3: ${reason}`, { file: source });
  } finally {
    if (!sharedClient) client.destroy();
  }
}

/** Read state from a CLI-style location: a path or `s3://bucket/key`. */
export function readState(
  location: string,
  options: { workspace?: string | undefined; connection?: AwsConnection; s3?: S3Client } = {},
): Promise<TerraformState> {
  if (location.startsWith('s3://')) {
    const parsed = parseS3Url(location);
    return readStateFromS3(
      { ...parsed, key: workspaceStateKey(parsed.key, options.workspace) },
      options.connection,
      options.s3,
    );
  }
  return readStateFile(location);
}
