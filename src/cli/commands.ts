/**
 * Every `driftgate` command's name, arguments and options, and nothing else: each action
 * imports its implementation when it runs. `--help`, `--version` and `state list` so never
 * load the AWS SDK, tree-sitter or HashiCorp's parser unless the command needs them
 * (test/cli/startup-imports.test.ts holds this).
 */
import type { Command } from 'commander';
import type { Confirm, CliIo } from './io.js';
import {
  addConnectionOptions,
  addStackSourceOptions,
  formatOption,
  type ConnectionFlags,
  type StackSourceFlags,
} from './options.js';

export interface ScanFlags extends StackSourceFlags {
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
}

export interface CodifyFlags extends StackSourceFlags {
  address?: string[];
  diff?: boolean;
  write?: boolean;
}

export interface ExecuteFlags extends StackSourceFlags {
  dryRun?: boolean;
  yes?: boolean;
}

export interface DrillFlags extends StackSourceFlags {
  check?: boolean;
  answer?: string;
  format: string;
}

export interface StateListFlags extends ConnectionFlags {
  state?: string;
  workspace?: string;
}

export function registerCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
  confirm: Confirm,
): void {
  addStackSourceOptions(
    program
      .command('scan')
      .description('Compare live infrastructure with recorded Terraform state and report drift.')
      .argument('[dir]', 'the stack: a Terraform root module directory', '.'),
  )
    .addOption(formatOption())
    .option('--detailed-exitcode', 'exit 2 when drift is found, 0 when none, 1 on error')
    .action(async (dir: string, flags: ScanFlags) =>
      (await import('./scan.js')).runScan(io, setExitCode, dir, flags),
    );

  addStackSourceOptions(
    program
      .command('codify')
      .description(
        'Write live values of drifted resources into the Terraform code (formatting and comments kept).',
      )
      .argument('[dir]', 'the stack: a Terraform root module directory', '.'),
  )
    .option('--address <address...>', 'only these resource addresses')
    .option('--diff', 'print a unified diff and change nothing (the default)')
    .option('--write', 'apply the changes to the files')
    .action(async (dir: string, flags: CodifyFlags) => {
      // HashiCorp's parser loads on its own thread (~0.3 s) from here, while this thread
      // loads codify's modules and reads the stack.
      const { startHashicorpThread } = await import('../terraform/hashicorp-thread.js');
      const hashicorp = startHashicorpThread();
      await (await import('./codify.js')).runCodify(io, setExitCode, dir, flags, hashicorp);
    });

  const state = program.command('state').description('Inspect recorded Terraform state.');
  addConnectionOptions(
    state
      .command('list')
      .description(
        'List resource instance addresses in a state, sorted as terraform state list sorts them.',
      )
      .argument('[dir]', 'stack directory (used to find the state when --state is not given)', '.')
      .option('--state <location>', 'state file path or s3://bucket/key')
      .option('--workspace <name>', 'Terraform workspace (S3 key prefix env:/<name>/)'),
  ).action(async (dir: string, flags: StateListFlags) =>
    (await import('./state.js')).runStateList(io, dir, flags),
  );

  addStackSourceOptions(
    program
      .command('revert')
      .description(
        'Revert one drifted resource to the recorded state, as the app does on merge: pre-check, apply, verify, roll back.',
      )
      .argument('[dir]', 'the stack: a Terraform root module directory', '.')
      .requiredOption('--address <address>', 'the resource to revert')
      .option('--dry-run', 'print the operations and the aws CLI commands; send nothing')
      .option('--yes', 'do not ask for confirmation'),
  ).action(async (dir: string, flags: ExecuteFlags & { address: string }) =>
    (await import('./revert.js')).runRevert(io, setExitCode, confirm, dir, flags),
  );

  addStackSourceOptions(
    program
      .command('undo')
      .description(
        'Undo an applied revert from its ledger record: restore the manual change, with the same pre-check, verification and rollback.',
      )
      .argument('<ledger>', 'the ledger record (.driftgate/ledger/<stack>/<date>-<id>.md)')
      .argument('[dir]', 'the stack directory', '.')
      .option('--dry-run', 'print the operations; send nothing')
      .option('--yes', 'do not ask for confirmation'),
  ).action(async (ledgerFile: string, dir: string, flags: ExecuteFlags) =>
    (await import('./revert.js')).runUndo(io, setExitCode, confirm, ledgerFile, dir, flags),
  );

  program
    .command('log')
    .description('List remediations newest first, from the ledger records in git.')
    .option('--stack <name>', 'only this stack')
    .option('--repo <dir>', 'the repository root', '.')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: { stack?: string; repo: string; format: string }) =>
      (await import('./audit.js')).runLog(io, flags),
    );

  addStackSourceOptions(
    program
      .command('drill')
      .description(
        'Training: put one safe, recorded drift (a tag) on a tier-1 resource of --stack, with its apply role; --check scores it and cleans up.',
      )
      .argument('[dir]', 'the stack directory', '.'),
  )
    .option('--check', 'score the running drill (found, fixed, time) and clean up')
    .option('--answer <address>', 'with --check: the resource the learner found')
    .option('--format <format>', 'text or json', 'text')
    .action(async (dir: string, flags: DrillFlags) =>
      (await import('./drill.js')).runDrill(io, dir, flags),
    );

  program
    .command('stats')
    .description(
      'Drift health from the ledger: median time to remediate per stack, recurring addresses, count by cause, open drift age.',
    )
    .option('--since <window>', 'how far back: 30d, 12h, 2w', '30d')
    .option('--format <format>', 'markdown or json', 'markdown')
    .option('--repo <dir>', 'the repository root', '.')
    .action(async (flags: { since: string; format: string; repo: string }) =>
      (await import('./stats.js')).runStats(io, flags),
    );

  program
    .command('blame')
    .description(
      'git blame, with the drift id, live actor, approver and PR for every line driftgate wrote.',
    )
    .argument('<file>', 'FILE or FILE:LINE')
    .action(async (target: string) => (await import('./audit.js')).runBlame(io, target));
}
