/** Helpers for moto-backed tests. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, inject } from 'vitest';

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
