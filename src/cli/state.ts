/** `driftgate state list`: resource addresses, one per line, as `terraform state list` prints them. */
import type { Command } from 'commander';
import { compareAddresses } from '../terraform/address.js';
import type { CliIo } from './main.js';
import {
  connectionOptions,
  addConnectionOptions,
  resolveStateLocation,
  type ConnectionFlags,
} from './shared.js';
import { readState } from '../terraform/state-source.js';

export function registerStateCommand(program: Command, io: CliIo): void {
  const state = program.command('state').description('Inspect recorded Terraform state.');
  const list = state
    .command('list')
    .description(
      'List resource instance addresses in a state, sorted as terraform state list sorts them.',
    )
    .argument('[dir]', 'stack directory (used to find the state when --state is not given)', '.')
    .option('--state <location>', 'state file path or s3://bucket/key')
    .option('--workspace <name>', 'Terraform workspace (S3 key prefix env:/<name>/)');
  addConnectionOptions(list).action(
    async (dir: string, flags: ConnectionFlags & { state?: string; workspace?: string }) => {
      const location = flags.state ?? (await resolveStateLocation(dir, flags.workspace));
      const recorded = await readState(location, {
        workspace: flags.workspace,
        connection: connectionOptions(flags),
      });
      const addresses = recorded.instances
        .map((instance) => instance.address)
        .sort(compareAddresses);
      io.stdout(addresses.map((address) => `${address}\n`).join(''));
    },
  );
}
