/**
 * Manual mode: `driftgate revert [DIR] --address ADDR` and `driftgate undo LEDGER [DIR]`
 * run the same executor the app runs on merge — pre-check, apply, verify, roll back — from
 * a terminal. Each operation is printed with its `aws` CLI equivalent before anything is
 * sent, and nothing is sent without a "yes" (or `--yes`), so an engineer can do by hand what
 * the agent would do, and see exactly what that is.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { sendOperation } from '../cloud/aws/operations.js';
import { AwsSession, describeAwsError } from '../cloud/aws/session.js';
import { loadConfigFile } from '../config/load.js';
import { DriftgateError } from '../errors.js';
import {
  execute,
  inversePlan,
  type ExecutionReport,
  type LiveExpectation,
  type PlannedOperation,
} from '../remediation/execute.js';
import { parseLedgerRecord, preImageOf, type LedgerRecord } from '../remediation/ledger.js';
import { planRevert } from '../remediation/revert.js';
import { formatPath } from '../terraform/path.js';
import { readState } from '../terraform/state-source.js';
import { git } from './audit.js';
import { EXIT_ERROR, type CliIo } from './main.js';
import { addStackSourceOptions, scanStackFromFlags, type StackSourceFlags } from './scan.js';
import { connectionOptions, resolveStateLocation } from './shared.js';

interface ExecuteFlags extends StackSourceFlags {
  dryRun?: boolean;
  yes?: boolean;
}

/** Ask on the terminal; refuse when there is no terminal and no --yes. */
export type Confirm = (question: string) => Promise<boolean>;

export const terminalConfirm: Confirm = async (question) => {
  if (!process.stdin.isTTY)
    throw new DriftgateError('not a terminal: pass --yes to apply without asking, or --dry-run');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
};

function printPlan(io: CliIo, operations: readonly PlannedOperation[]): void {
  operations.forEach((operation, index) => {
    io.stdout(`  ${index + 1}. ${operation.description ?? operation.api} (${operation.api})\n`);
    if (operation.command) io.stdout(`     $ ${operation.command}\n`);
  });
}

function printReport(io: CliIo, report: ExecutionReport): void {
  io.stdout(`pre-check: ${report.precheck}\n`);
  for (const step of report.steps)
    io.stdout(
      `  apply    ${step.api}: ${step.result}${step.error ? ` (${step.error})` : ''} ${step.ms} ms\n`,
    );
  for (const step of report.rollback)
    io.stdout(
      `  rollback ${step.api}: ${step.result}${step.error ? ` (${step.error})` : ''} ${step.ms} ms\n`,
    );
  io.stdout(`verification: ${report.verification}\n${report.status} in ${report.durationMs} ms\n`);
}

async function applyRole(flags: StackSourceFlags): Promise<string | undefined> {
  if (!flags.config) return undefined;
  const config = await loadConfigFile(flags.config);
  const stack = config.stacks.find((candidate) => candidate.name === flags.stack) ?? undefined;
  return stack?.aws.apply_role ?? stack?.aws.role;
}

async function run(
  io: CliIo,
  dir: string,
  flags: ExecuteFlags,
  address: string,
  plan: {
    operations: PlannedOperation[];
    before: LiveExpectation;
    after: LiveExpectation;
    preImage: Map<string, unknown>;
  },
  confirm: Confirm,
): Promise<number> {
  if (!plan.operations.length) {
    io.stdout('nothing driftgate can apply by API.\n');
    return EXIT_ERROR;
  }
  if (flags.dryRun) {
    io.stdout('dry run: nothing was sent.\n');
    return 0;
  }
  if (!flags.yes && !(await confirm(`Send ${plan.operations.length} operation(s) to AWS?`))) {
    io.stdout('not confirmed: nothing was sent.\n');
    return 0;
  }
  const session = new AwsSession({
    ...connectionOptions(flags),
    roleArn: await applyRole(flags),
  });
  try {
    const report = await execute(plan, {
      detect: async () =>
        (await scanStackFromFlags(dir, flags)).drifts.find((drift) => drift.address === address),
      send: (operation) =>
        sendOperation(session.ec2(), operation).catch((error: unknown) => {
          throw describeAwsError(error, operation.api);
        }),
    });
    printReport(io, report);
    return report.status === 'applied' || report.status === 'nothing-to-do' ? 0 : EXIT_ERROR;
  } finally {
    session.destroy();
  }
}

/**
 * Undo a codify locally: the code change is a commit (its trailers name the drift), so the
 * undo is `git revert` of that commit's code — the ledger records stay, they are history.
 * The result is staged, for the engineer to commit and propose as a PR.
 */
async function undoCodify(
  io: CliIo,
  ledgerFile: string,
  record: LedgerRecord,
  flags: ExecuteFlags,
  confirm: Confirm,
): Promise<number> {
  const root = (await git(dirname(resolve(ledgerFile)), ['rev-parse', '--show-toplevel'])).trim();
  const id = record.front.drift_id;
  const log = await git(root, ['log', '--format=%H%x00%B%x01', `--grep=^Drift-Id: ${id}$`]);
  const commit = log
    .split('\x01')
    .map((entry) => entry.trim().split('\x00'))
    .find(([, message]) => /^Drift-Direction: codify$/m.test(message ?? ''))?.[0];
  if (!commit)
    throw new DriftgateError(
      `no commit with the trailers Drift-Id: ${id} and Drift-Direction: codify`,
      {
        file: ledgerFile,
      },
    );
  const files = (await git(root, ['show', '--name-only', '--format=', commit]))
    .split('\n')
    .filter((path) => path && !path.startsWith('.driftgate/'));
  io.stdout(
    `Undo the codify of ${record.front.address} (drift ${id}): revert commit ${commit.slice(0, 8)} in\n${files.map((path) => `  ${path}\n`).join('')}  $ git revert --no-commit ${commit.slice(0, 8)} && git checkout HEAD -- .driftgate\n`,
  );
  if (flags.dryRun) {
    io.stdout('dry run: nothing was changed.\n');
    return 0;
  }
  if (
    !flags.yes &&
    !(await confirm(`Revert the code of ${commit.slice(0, 8)} in your working tree?`))
  ) {
    io.stdout('not confirmed: nothing was changed.\n');
    return 0;
  }
  await git(root, ['revert', '--no-commit', commit]);
  // The ledger is history: keep every record as it is.
  await git(root, ['checkout', 'HEAD', '--', '.driftgate']);
  io.stdout('staged: the code as it was before the codify. Commit it and open a pull request.\n');
  return 0;
}

export function registerRevertCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
  confirm: Confirm = terminalConfirm,
): void {
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
  ).action(async (dir: string, flags: ExecuteFlags & { address: string }) => {
    if (flags.planJson)
      throw new DriftgateError('revert works from the live scan; drop --plan-json');
    const report = await scanStackFromFlags(dir, flags);
    const drift = report.drifts.find((candidate) => candidate.address === flags.address);
    if (!drift) {
      io.stdout(`no drift on ${flags.address}: nothing to revert.\n`);
      return;
    }
    const session = new AwsSession({ ...connectionOptions(flags) });
    let resourceId = '';
    try {
      const location = flags.state ?? (await resolveStateLocation(dir, flags.workspace));
      const state = await readState(location, { workspace: flags.workspace, s3: session.s3() });
      resourceId = String(
        state.instances.find((instance) => instance.address === drift.address)?.attributes.id ?? '',
      );
    } finally {
      session.destroy();
    }
    const plan = planRevert(drift, resourceId);
    io.stdout(`Revert ${drift.address} (drift ${drift.fingerprint}):\n`);
    printPlan(io, plan.operations);
    for (const refusal of plan.refusals)
      io.stdout(`  not by API: ${refusal.path || drift.address}: ${refusal.reason}\n`);
    setExitCode(
      await run(
        io,
        dir,
        flags,
        drift.address,
        {
          operations: plan.operations,
          before: { kind: 'drift', fingerprint: drift.fingerprint },
          after: { kind: 'clean' },
          preImage: new Map(drift.changes.map((change) => [formatPath(change.path), change.live])),
        },
        confirm,
      ),
    );
  });

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
  ).action(async (ledgerFile: string, dir: string, flags: ExecuteFlags) => {
    let text: string;
    try {
      text = await readFile(ledgerFile, 'utf8');
    } catch (error) {
      throw new DriftgateError(`cannot read: ${(error as NodeJS.ErrnoException).code}`, {
        file: ledgerFile,
      });
    }
    const record = parseLedgerRecord(text, ledgerFile);
    const status = (record.front.outcome as { status?: string } | null)?.status;
    if (record.front.direction === 'codify') {
      setExitCode(await undoCodify(io, ledgerFile, record, flags, confirm));
      return;
    }
    if (status !== 'applied')
      throw new DriftgateError(
        `only an applied revert can be undone (this record's outcome: ${status ?? 'none'})`,
        { file: ledgerFile },
      );
    const operations = inversePlan(record.front.planned_operations, preImageOf(record));
    io.stdout(`Undo the revert of ${record.front.address} (drift ${record.front.drift_id}):\n`);
    printPlan(io, operations);
    setExitCode(
      await run(
        io,
        dir,
        { ...flags, stack: flags.stack ?? record.front.stack },
        record.front.address,
        {
          operations,
          before: { kind: 'clean' },
          after: { kind: 'drift', fingerprint: record.front.drift_id },
          preImage: new Map(record.front.changes.map((change) => [change.path, change.recorded])),
        },
        confirm,
      ),
    );
  });
}
