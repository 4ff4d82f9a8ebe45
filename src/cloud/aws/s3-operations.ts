/**
 * Sending one planned S3 operation (revert-s3.ts). Only these are known: a ledger record
 * edited by hand cannot make driftgate call another S3 API.
 */
import {
  DeleteBucketEncryptionCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeletePublicAccessBlockCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PlannedOperation } from '../../remediation/execute.js';

const COMMANDS = {
  PutBucketPolicy: PutBucketPolicyCommand,
  DeleteBucketPolicy: DeleteBucketPolicyCommand,
  PutPublicAccessBlock: PutPublicAccessBlockCommand,
  DeletePublicAccessBlock: DeletePublicAccessBlockCommand,
  PutBucketVersioning: PutBucketVersioningCommand,
  PutBucketEncryption: PutBucketEncryptionCommand,
  DeleteBucketEncryption: DeleteBucketEncryptionCommand,
  PutBucketTagging: PutBucketTaggingCommand,
  DeleteBucketTagging: DeleteBucketTaggingCommand,
} as const;

export const EXECUTABLE_S3_OPERATIONS = Object.keys(COMMANDS);

export async function sendS3Operation(s3: S3Client, operation: PlannedOperation): Promise<void> {
  const Command = COMMANDS[operation.api as keyof typeof COMMANDS] as
    (new (input: unknown) => Parameters<S3Client['send']>[0]) | undefined;
  if (!Command) throw new Error(`driftgate does not execute ${operation.api}`);
  // A copy: the SDK's checksum middleware adds `ChecksumAlgorithm` to the input it is given,
  // and the planned params are written to the ledger as planned.
  await s3.send(new Command(structuredClone(operation.params)));
}
