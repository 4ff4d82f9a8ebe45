/**
 * Flags shared by several commands, as commander options and as the values they parse to.
 * Light on purpose: `--help` builds every command from these without loading any command.
 */
import { Option, type Command } from 'commander';
import type { AwsConnection } from '../cloud/aws/clients.js';
import { DriftgateError } from '../errors.js';

export interface ConnectionFlags {
  region?: string;
  endpointUrl?: string;
  profile?: string;
  maxAttempts?: string;
}

export interface StackSourceFlags extends ConnectionFlags {
  planJson?: string;
  state?: string;
  config?: string;
  stack?: string;
  environment?: string;
  workspace?: string;
}

export const formatOption = () =>
  new Option('--format <format>', 'output format')
    .choices(['text', 'json', 'markdown'])
    .default('text');

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

/** The options that say where a stack's drift comes from (scan, codify, revert, undo). */
export function addStackSourceOptions(command: Command): Command {
  command
    .option(
      '--plan-json <file>',
      'output of `terraform show -json` for a `terraform plan -refresh-only` plan',
    )
    .option(
      '--state <location>',
      'recorded state: a file or s3://bucket/key (default: the backend block)',
    )
    .option(
      '--config <file>',
      'driftgate config (.github/driftgate.yml) for stack name, environment, ignores and tiers',
    )
    .option(
      '--stack <name>',
      'which stack of the config this directory is (default: matched by dir)',
    )
    .option(
      '--environment <name>',
      'environment for tier rules when there is no config (dev, staging, prod, ...)',
    )
    .option('--workspace <name>', 'Terraform workspace');
  return addConnectionOptions(command);
}
