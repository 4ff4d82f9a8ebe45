/** Flags and look-ups shared by several commands. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AwsConnection } from '../cloud/aws/clients.js';
import { DriftgateError } from '../errors.js';
import { s3LocationFromBackend } from '../terraform/state-source.js';
import { readStack, type TerraformStack } from '../terraform/stack.js';

export interface ConnectionFlags {
  region?: string;
  endpointUrl?: string;
  profile?: string;
  maxAttempts?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--region <region>',
      'AWS region (default: AWS_REGION, the backend block, or us-east-1)',
    )
    .option(
      '--endpoint-url <url>',
      'custom AWS endpoint, e.g. a local emulator (also AWS_ENDPOINT_URL)',
    )
    .option('--profile <name>', 'named AWS profile from the shared config files')
    .option(
      '--max-attempts <n>',
      'attempts per AWS request in standard retry mode (throttling is retried)',
      '8',
    );
}

export function connectionOptions(flags: ConnectionFlags): AwsConnection {
  const maxAttempts = Number(flags.maxAttempts ?? 8);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new DriftgateError(
      `--max-attempts must be a positive whole number, not ${JSON.stringify(flags.maxAttempts)}`,
    );
  }
  return { region: flags.region, endpoint: flags.endpointUrl, profile: flags.profile, maxAttempts };
}

/**
 * Where a stack's state is when `--state` is not given: its `backend "s3"` block, else a
 * local `terraform.tfstate` (Terraform's local backend default).
 */
export async function resolveStateLocation(
  dir: string,
  workspace?: string,
  read: () => Promise<TerraformStack> = () => readStack(dir),
): Promise<string> {
  const stack = await read();
  if (stack.backend) {
    const location = s3LocationFromBackend(stack.backend, workspace);
    return `s3://${location.bucket}/${location.key}`;
  }
  const local =
    workspace && workspace !== 'default'
      ? join(dir, 'terraform.tfstate.d', workspace, 'terraform.tfstate')
      : join(dir, 'terraform.tfstate');
  try {
    await access(local);
    return local;
  } catch {
    throw new DriftgateError(
      `no state found: the stack has no backend "s3" block and there is no ${local}`,
      { file: dir },
      'pass --state FILE or --state s3://bucket/key',
    );
  }
}
