/**
 * Where recorded state lives: a local file, or an object in S3 (the `s3` backend).
 * Workspaces other than `default` live under `<workspace_key_prefix>/<workspace>/<key>`,
 * with the prefix `env:` unless the backend block says otherwise. The AWS SDK is loaded
 * only for an `s3://` location: reading a local file must not pay for it.
 */
import { readFileSync, statSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsConnection } from '../cloud/aws/clients.js';
import { DriftgateError } from '../errors.js';
import {
  parseStateJson,
  stateAddressesFromJson,
  stateFromJson,
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

interface StateJson {
  json: Record<string, unknown>;
  /** The location, as errors name it. */
  source: string;
}

function readStateFileJson(path: string): StateJson {
  try {
    // Read with readFileSync(…, 'utf8'): Node decodes the file straight into a string and
    // frees its bytes before JSON.parse runs, while the promise API (and any Buffer read)
    // keeps a buffer as large as the file alive through JSON.parse (+1× the file's size at
    // peak; docs/performance.md). The text is parsed where it is read and not kept. Only
    // the CLI reads a local state file (the app reads state from the repository or S3), and
    // blocking for the read (~0.1 s per 100 MB) costs a one-shot command nothing.
    return { json: parseStateJson(readFileSync(path, 'utf8'), path), source: path };
  } catch (error) {
    if (error instanceof DriftgateError) throw error;
    throw new DriftgateError(
      `cannot read state: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file: path },
    );
  }
}

async function readS3StateJson(
  location: S3StateLocation,
  connection: AwsConnection = {},
  /** A client to use (e.g. one with an assumed role); otherwise one is made from `connection`. */
  sharedClient?: S3Client,
): Promise<StateJson> {
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
    return { json: parseStateJson(await response.Body!.transformToString('utf8'), source), source };
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

/**
 * Local state files at least this large are streamed (state-stream.ts) instead of read
 * whole and given to JSON.parse. JSON.parse is faster, but its peak holds the file's text
 * and its whole tree at once (2.6× the file's size at 100 MB); streamed, the peak is the
 * process and what is kept (addresses, or instances). Below this size the process's own
 * ~55 MB dominates either way and JSON.parse's speed wins (docs/performance.md).
 */
export const STREAM_STATE_ABOVE_BYTES = 32 * 1024 * 1024;

export interface ReadStateOptions {
  workspace?: string | undefined;
  connection?: AwsConnection;
  s3?: S3Client;
  /** Stream local files of at least this many bytes (default `STREAM_STATE_ABOVE_BYTES`). */
  streamAboveBytes?: number | undefined;
}

async function readStateJson(location: string, options: ReadStateOptions): Promise<StateJson> {
  if (location.startsWith('s3://')) {
    const parsed = parseS3Url(location);
    return readS3StateJson(
      { ...parsed, key: workspaceStateKey(parsed.key, options.workspace) },
      options.connection,
      options.s3,
    );
  }
  return readStateFileJson(location);
}

/** Whether `location` is a local file large enough to stream. */
function streamsLocalFile(location: string, options: ReadStateOptions): boolean {
  if (location.startsWith('s3://')) return false;
  let size: number;
  try {
    const stat = statSync(location);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false; // the whole-file read reports it, as it always has
  }
  return size >= (options.streamAboveBytes ?? STREAM_STATE_ABOVE_BYTES);
}

/** Read state from a CLI-style location: a path or `s3://bucket/key`. */
export async function readState(
  location: string,
  options: ReadStateOptions = {},
): Promise<TerraformState> {
  if (streamsLocalFile(location, options))
    return (await import('./state-stream.js')).streamState(location);
  const { json, source } = await readStateJson(location, options);
  return stateFromJson(json, source);
}

/**
 * The instance addresses of a state (`state list`), unsorted: nothing of the state's
 * values is kept once they are built.
 */
export async function readStateAddresses(
  location: string,
  options: ReadStateOptions = {},
): Promise<string[]> {
  if (streamsLocalFile(location, options))
    return (await import('./state-stream.js')).streamStateAddresses(location);
  const { json, source } = await readStateJson(location, options);
  return stateAddressesFromJson(json, source);
}
