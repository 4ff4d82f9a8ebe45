/** `driftgate state list`: resource addresses, one per line, as `terraform state list` prints them. */
import { sortAddresses } from '../terraform/address.js';
import { readStateAddresses } from '../terraform/state-source.js';
import type { StateListFlags } from './commands.js';
import type { CliIo } from './io.js';
import { connectionOptions } from './options.js';
import { resolveStateLocation } from './shared.js';

export async function runStateList(io: CliIo, dir: string, flags: StateListFlags): Promise<void> {
  const location = flags.state ?? (await resolveStateLocation(dir, flags.workspace));
  const addresses = await readStateAddresses(location, {
    workspace: flags.workspace,
    connection: connectionOptions(flags),
  });
  io.stdout(
    sortAddresses(addresses)
      .map((address) => `${address}\n`)
      .join(''),
  );
}
