/**
 * How driftgate talks to AWS: one place that turns CLI flags / stack config into SDK
 * client settings (region, endpoint such as moto or LocalStack, named profile, retries).
 */
import { fromIni } from '@aws-sdk/credential-providers';

export interface AwsConnection {
  region?: string | undefined;
  /** Custom endpoint (`--endpoint-url` or `AWS_ENDPOINT_URL`), e.g. moto in tests. */
  endpoint?: string | undefined;
  profile?: string | undefined;
  /** Total attempts per request in the SDK's `standard` retry mode. */
  maxAttempts?: number | undefined;
}

export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  maxAttempts: number;
  retryMode: 'standard';
  credentials?: ReturnType<typeof fromIni>;
}

export const DEFAULT_REGION = 'us-east-1';

export function awsClientConfig(connection: AwsConnection = {}): AwsClientConfig {
  const endpoint = connection.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const config: AwsClientConfig = {
    region:
      connection.region ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION ??
      DEFAULT_REGION,
    maxAttempts: connection.maxAttempts ?? 8,
    retryMode: 'standard',
  };
  if (endpoint) {
    config.endpoint = endpoint;
    // Local S3 emulators serve buckets by path, not by virtual host name.
    config.forcePathStyle = true;
  }
  if (connection.profile) config.credentials = fromIni({ profile: connection.profile });
  return config;
}
