/** Helpers for moto-backed tests. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, inject } from 'vitest';

export function motoEndpoint(): string {
  return inject('motoEndpoint');
}

/** `describe` that runs only when moto is available (the global setup fails CI otherwise). */
export const describeWithMoto = (name: string, body: () => void) =>
  describe.skipIf(!motoEndpoint())(name, body);

const settings = () => ({
  endpoint: motoEndpoint(),
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

export function motoEc2(): EC2Client {
  return new EC2Client(settings());
}

export function motoS3(): S3Client {
  return new S3Client({ ...settings(), forcePathStyle: true });
}

/**
 * Point the app's AWS clients (which read AWS_ENDPOINT_URL) at moto for one test file, and
 * put the environment back afterwards.
 */
export function useMotoEndpointForApp(): void {
  const saved = process.env.AWS_ENDPOINT_URL;
  beforeAll(() => {
    process.env.AWS_ENDPOINT_URL = motoEndpoint();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });
}
