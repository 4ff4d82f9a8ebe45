/**
 * One AWS session per stack scan: region, endpoint, credentials (the default chain, a
 * named profile, or a role assumed through STS that the app's allow-list permits), and
 * a counter of API calls by operation, reported as `stats.api_calls`.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { matchesGlob } from '../../drift/glob.js';
import { DriftgateError } from '../../errors.js';
import { awsClientConfig, type AwsClientConfig, type AwsConnection } from './clients.js';

export type ApiCallCounter = Record<string, number>;

type CountedClient =
  EC2Client | S3Client | CloudTrailClient | IAMClient | RDSClient | ElasticLoadBalancingV2Client;

/** Count every operation a client sends (once per operation, not per retry). */
export function countCalls<T extends CountedClient>(
  client: T,
  service: string,
  counter: ApiCallCounter,
): T {
  // Each client's stack is typed by its own commands; the counter reads only the context.
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
  stack.add(
    (next, context) => async (args) => {
      const operation = `${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      counter[operation] = (counter[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'driftgateCallCounter' },
  );
  return client;
}

/** `DRIFTGATE_ALLOWED_ROLE_ARNS`: comma-separated globs of role ARNs a repo config may name. */
export function allowedRolePatterns(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DRIFTGATE_ALLOWED_ROLE_ARNS ?? '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter(Boolean);
}

/** Refuse a role the operator has not allowed: a pull request must not point driftgate at another account. */
export function assertRoleAllowed(roleArn: string, patterns: string[]): void {
  if (patterns.some((pattern) => matchesGlob(roleArn, pattern))) return;
  throw new DriftgateError(
    `role ${roleArn} is not in the allow-list`,
    {},
    patterns.length === 0
      ? 'set DRIFTGATE_ALLOWED_ROLE_ARNS (comma-separated ARN globs) in the environment that runs driftgate'
      : `allowed: ${patterns.join(', ')}`,
  );
}

export interface AwsSessionOptions extends AwsConnection {
  /** Role to assume for this session (checked against the allow-list). */
  roleArn?: string | undefined;
  sessionName?: string;
  allowedRoles?: string[];
  /**
   * A limiter shared by every driftgate instance (the job layer's): waits for a turn of
   * `perSecond` calls on `key`. Without it, limits are kept per session only.
   */
  waitForSlot?: ((limiter: string, key: string, perSecond: number) => Promise<void>) | undefined;
}

export class AwsSession {
  readonly calls: ApiCallCounter = {};
  readonly config: AwsClientConfig;
  private ec2Client: EC2Client | undefined;
  private s3Client: S3Client | undefined;
  private cloudTrailClient: CloudTrailClient | undefined;
  private iamClient: IAMClient | undefined;
  private rdsClient: RDSClient | undefined;
  private elbv2Client: ElasticLoadBalancingV2Client | undefined;
  readonly waitForSlot: AwsSessionOptions['waitForSlot'];
  /** The account in the role ARN, when a role is assumed: shared limits are per account. */
  readonly account: string | undefined;

  constructor(options: AwsSessionOptions = {}) {
    const base = awsClientConfig(options);
    this.waitForSlot = options.waitForSlot;
    this.account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(options.roleArn ?? '')?.[1];
    if (options.roleArn) {
      assertRoleAllowed(options.roleArn, options.allowedRoles ?? allowedRolePatterns());
      const { credentials, ...stsConfig } = base;
      this.config = {
        ...base,
        credentials: fromTemporaryCredentials({
          params: {
            RoleArn: options.roleArn,
            RoleSessionName: options.sessionName ?? 'driftgate-scan',
            DurationSeconds: 900,
          },
          clientConfig: {
            region: stsConfig.region,
            ...(stsConfig.endpoint ? { endpoint: stsConfig.endpoint } : {}),
          },
          ...(credentials ? { masterCredentials: credentials } : {}),
        }),
      };
    } else {
      this.config = base;
    }
  }

  get region(): string {
    return this.config.region;
  }

  ec2(): EC2Client {
    this.ec2Client ??= countCalls(new EC2Client(this.config), 'ec2', this.calls);
    return this.ec2Client;
  }

  s3(): S3Client {
    this.s3Client ??= countCalls(new S3Client(this.config), 's3', this.calls);
    return this.s3Client;
  }

  cloudTrail(): CloudTrailClient {
    this.cloudTrailClient ??= countCalls(
      new CloudTrailClient(this.config),
      'cloudtrail',
      this.calls,
    );
    return this.cloudTrailClient;
  }

  /**
   * IAM is global: one endpoint per partition, whatever the stack's region. The stack's
   * region still picks the partition (aws, aws-cn, aws-us-gov) and signs the request.
   */
  iam(): IAMClient {
    this.iamClient ??= countCalls(new IAMClient(this.config), 'iam', this.calls);
    return this.iamClient;
  }

  rds(): RDSClient {
    this.rdsClient ??= countCalls(new RDSClient(this.config), 'rds', this.calls);
    return this.rdsClient;
  }

  elbv2(): ElasticLoadBalancingV2Client {
    this.elbv2Client ??= countCalls(
      new ElasticLoadBalancingV2Client(this.config),
      'elasticloadbalancing',
      this.calls,
    );
    return this.elbv2Client;
  }

  destroy(): void {
    this.iamClient?.destroy();
    this.rdsClient?.destroy();
    this.elbv2Client?.destroy();
    this.ec2Client?.destroy();
    this.s3Client?.destroy();
    this.cloudTrailClient?.destroy();
  }
}

/** A readable error for what AWS said, without request ids or stack traces. */
export function describeAwsError(error: unknown, action: string): DriftgateError {
  if (error instanceof DriftgateError) return error;
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  if (
    [
      'RequestLimitExceeded',
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
    ].includes(name)
  ) {
    return new DriftgateError(
      `${action}: AWS kept throttling requests after every retry (${name})`,
      {},
      'scan fewer stacks at once, or raise the EC2 API rate limit',
    );
  }
  if (
    [
      'AuthFailure',
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'ExpiredToken',
      'ExpiredTokenException',
      'CredentialsProviderError',
      'AccessDenied',
      'UnauthorizedOperation',
    ].includes(name)
  ) {
    return new DriftgateError(`${action}: AWS refused the credentials (${name}: ${message})`);
  }
  const code = (error as { code?: string }).code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT' ||
    /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(message)
  ) {
    return new DriftgateError(`${action}: cannot reach the AWS endpoint (${code ?? message})`);
  }
  return new DriftgateError(`${action}: ${name}: ${message}`);
}
