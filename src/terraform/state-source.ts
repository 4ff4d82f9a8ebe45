/**
 * Where recorded state lives: a local file, or an object in S3 (the `s3` backend).
 * Workspaces other than `default` live under `<workspace_key_prefix>/<workspace>/<key>`,
 * with the prefix `env:` unless the backend block says otherwise. The AWS SDK is loaded
 * only for an `s3://` location: reading a local file must not pay for it.
 */
import { readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsConnection } from '../cloud/aws/clients.js';
import { DriftgateError } from '../errors.js';
import {
  parseStateJson,
  stateFromJson,
  type StateReadOptions,
  type TerraformState,
} from './state.js';
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

export async function readStateFile(
  path: string,
  options: StateReadOptions = {},
): Promise<TerraformState> {
  let json: Record<string, unknown>;
  try {
    // The text is as large as the file: parsed where it is read and not kept, so the
    // collector can free it before the state is converted.
    json = parseStateJson(await readFile(path, 'utf8'), path);
  } catch (error) {
    if (error instanceof DriftgateError) throw error;
    throw new DriftgateError(
      `cannot read state: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  return stateFromJson(json, path, options);
}

export async function readStateFromS3(
  location: S3StateLocation,
  connection: AwsConnection = {},
  /** A client to use (e.g. one with an assumed role); otherwise one is made from `connection`. */
  sharedClient?: S3Client,
  options: StateReadOptions = {},
): Promise<TerraformState> {
  const source = `s3://${location.bucket}/${location.key}`;
  const [{ GetObjectCommand, S3Client }, { awsClientConfig }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('../cloud/aws/clients.js'),
  ]);
  const client =
    sharedClient ??
    new S3Client(awsClientConfig({ ...connection, region: location.region ?? connection.region }));
  try {
    const response = await client.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    const json = parseStateJson(await response.Body!.transformToString('utf8'), source);
    return stateFromJson(json, source, options);
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

export interface ReadStateOptions extends StateReadOptions {
  workspace?: string | undefined;
  connection?: AwsConnection;
  s3?: S3Client;
}

/** Read state from a CLI-style location: a path or `s3://bucket/key`. */
export function readState(
  location: string,
  options: ReadStateOptions = {},
): Promise<TerraformState> {
  if (location.startsWith('s3://')) {
    const parsed = parseS3Url(location);
    return readStateFromS3(
      { ...parsed, key: workspaceStateKey(parsed.key, options.workspace) },
      options.connection,
      options.s3,
      options,
    );
  }
  return readStateFile(location, options);
}

/** The instance addresses of a state (`state list`): no attribute is kept while reading. */
export async function readStateAddresses(
  location: string,
  options: Omit<ReadStateOptions, 'attributes'> = {},
): Promise<string[]> {
  const state = await readState(location, { ...options, attributes: false });
  return state.instances.map((instance) => instance.address);
}
