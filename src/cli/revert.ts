/**
 * Manual mode: `driftgate revert [DIR] --address ADDR` and `driftgate undo LEDGER [DIR]`
 * run the same executor the app runs on merge — pre-check, apply, verify, roll back — from
 * a terminal. Each operation is printed with its `aws` CLI equivalent before anything is
 * sent, and nothing is sent without a "yes" (or `--yes`), so an engineer can do by hand what
 * the agent would do, and see exactly what that is.
 */
import { readFile } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { sendSessionOperation } from '../cloud/aws/operations.js';
import { awsClientConfig } from '../cloud/aws/clients.js';
import { AwsSession, describeAwsError } from '../cloud/aws/session.js';
import { DriftgateError } from '../errors.js';
import { awsCommandFor } from '../remediation/describe.js';
import { execute, type ExecutionReport, type PlannedOperation } from '../remediation/execute.js';
import {
  commitLine,
  commitTrailers,
  renderTrailers,
  executionPlanOf,
  ledgerPath,
  outcomeFromReport,
  parseLedgerRecord,
  renderLedgerRecord,
  renderRecord,
  undoRecordFront,
  withOutcome,
  type LedgerFront,
} from '../remediation/ledger.js';
import { planRevert } from '../remediation/revert.js';
import { readState } from '../terraform/state-source.js';
import { undoCodify } from './undo-codify.js';
import {
  commitInstructions,
  operatorName,
  repositoryRootOf,
  writeLedgerFile,
} from './ledger-file.js';
import type { ExecuteFlags } from './commands.js';
import { EXIT_ERROR, type CliIo, type Confirm } from './io.js';
import { connectionOptions, type StackSourceFlags } from './options.js';
import { resolveStackConfig, scanStackFromFlags, type ScanStackConfig } from './scan.js';
import { resolveStateLocation } from './shared.js';

function printPlan(io: CliIo, operations: readonly PlannedOperation[], region: string): void {
  operations.forEach((operation, index) => {
    io.stdout(`  ${index + 1}. ${operation.description ?? operation.api} (${operation.api})\n`);
    io.stdout(
      `     $ ${operation.command ?? awsCommandFor(operation.api, operation.params, region)}\n`,
    );
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

/**
 * The stack this directory is (by --stack, else matched by directory as `scan` does), and
 * the AWS sessions the app would use for it: its region, `role` to read, `apply_role` (else
 * `role`) to write — each role checked against DRIFTGATE_ALLOWED_ROLE_ARNS.
 */
interface StackTarget {
  stack: ScanStackConfig;
  repoRoot: string | undefined;
  region: string;
  session: (purpose: 'scan' | 'apply') => AwsSession;
}

async function stackTarget(dir: string, flags: StackSourceFlags): Promise<StackTarget> {
  const { stackConfig: stack, repoRoot } = await resolveStackConfig(dir, flags);
  const connection = { ...connectionOptions(flags), region: flags.region ?? stack.aws?.region };
  const session = (purpose: 'scan' | 'apply') =>
    new AwsSession({
      ...connection,
      roleArn: purpose === 'apply' ? (stack.aws?.apply_role ?? stack.aws?.role) : stack.aws?.role,
      sessionName: `driftgate-cli-${purpose}`,
    });
  // Refuse a role outside the allow-list before anything is printed or read.
  session('scan').destroy();
  session('apply').destroy();
  return { stack, repoRoot, region: awsClientConfig(connection).region, session };
}

/** Ask, then run a ledger record's operations exactly as the app does on merge. */
async function confirmAndExecute(
  io: CliIo,
  dir: string,
  flags: ExecuteFlags,
  target: StackTarget,
  front: LedgerFront,
  since: string,
  confirm: Confirm,
): Promise<ExecutionReport | undefined> {
  if (flags.dryRun) {
    io.stdout('dry run: nothing was sent.\n');
    return undefined;
  }
  const count = front.planned_operations.length;
  if (!flags.yes && !(await confirm(`Send ${count} operation(s) to AWS?`))) {
    io.stdout('not confirmed: nothing was sent.\n');
    return undefined;
  }
  const session = target.session('apply');
  try {
    const report = await execute(
      { ...executionPlanOf(front), since },
      {
        detect: async () =>
          (await scanStackFromFlags(dir, flags)).drifts.find(
            (drift) => drift.address === front.address,
          ),
        send: (operation) =>
          sendSessionOperation(session, operation).catch((error: unknown) => {
            throw describeAwsError(error, operation.api);
          }),
      },
    );
    printReport(io, report);
    return report;
  } finally {
    session.destroy();
  }
}

/** Record what happened, as the app records a merge: the record with its outcome. */
async function recordOutcome(
  io: CliIo,
  root: string,
  path: string,
  front: LedgerFront,
  prose: string,
  report: ExecutionReport,
  trailers: string,
): Promise<void> {
  const record = parseLedgerRecord(renderRecord(front, prose), path);
  const outcome = outcomeFromReport(
    report,
    {
      pull_request: null,
      merged_by: null,
      approved_by: [],
      executed_by: await operatorName(root),
      via: 'cli',
    },
    new Date(),
  );
  const file = await writeLedgerFile(root, path, withOutcome(record, outcome));
  io.stdout(
    commitInstructions(
      root,
      file,
      `driftgate: ${front.undo_of !== undefined ? 'undo the revert' : 'revert drift'} on ${commitLine(front.address)} (${report.status}, from a terminal)\n\n${trailers}`,
    ),
  );
}

const succeeded = (report: ExecutionReport | undefined) =>
  !report || report.status === 'applied' || report.status === 'nothing-to-do' ? 0 : EXIT_ERROR;

export async function runRevert(
  io: CliIo,
  setExitCode: (code: number) => void,
  confirm: Confirm,
  dir: string,
  flags: ExecuteFlags & { address: string },
): Promise<void> {
  if (flags.planJson) throw new DriftgateError('revert works from the live scan; drop --plan-json');
  const target = await stackTarget(dir, flags);
  const report = await scanStackFromFlags(dir, flags);
  const drift = report.drifts.find((candidate) => candidate.address === flags.address);
  if (!drift) {
    io.stdout(`no drift on ${flags.address}: nothing to revert.\n`);
    return;
  }
  const session = target.session('scan');
  let attributes: Record<string, unknown> | undefined;
  try {
    const location =
      flags.state ??
      target.stack.state ??
      (await resolveStateLocation(dir, flags.workspace ?? target.stack.workspace));
    const state = await readState(location, {
      workspace: flags.workspace ?? target.stack.workspace,
      s3: session.s3(),
    });
    attributes = state.instances.find((instance) => instance.address === drift.address)?.attributes;
  } finally {
    session.destroy();
  }
  const plan = planRevert(drift, {
    id: String(attributes?.id ?? ''),
    attributes,
    region: target.region,
  });
  io.stdout(
    `Revert ${drift.address} (drift ${drift.fingerprint}, stack ${drift.stack}, ${target.region}):\n`,
  );
  printPlan(io, plan.operations, target.region);
  for (const refusal of plan.refusals)
    io.stdout(`  not by API: ${refusal.path || drift.address}: ${refusal.reason}\n`);
  if (!plan.operations.length) {
    io.stdout(
      `nothing driftgate can apply by API; let Terraform do it:\n${plan.terraformCommands.map((command) => `  $ ${command}\n`).join('')}`,
    );
    setExitCode(EXIT_ERROR);
    return;
  }
  // The record the app would commit with the PR, executed the way the app executes it.
  const tier = drift.tier ?? 2;
  const date = new Date();
  const text = renderLedgerRecord({ drift, direction: 'revert', tier, revert: plan, date });
  const path = ledgerPath(drift, date);
  const record = parseLedgerRecord(text, path);
  const executed = await confirmAndExecute(
    io,
    dir,
    flags,
    target,
    record.front,
    'driftgate scanned it a moment ago',
    confirm,
  );
  if (executed) {
    const root = await repositoryRootOf(dir, target.repoRoot);
    await recordOutcome(
      io,
      root,
      path,
      record.front,
      record.prose,
      executed,
      commitTrailers(drift, 'revert', tier),
    );
  }
  setExitCode(succeeded(executed));
}

export async function runUndo(
  io: CliIo,
  setExitCode: (code: number) => void,
  confirm: Confirm,
  ledgerFile: string,
  dir: string,
  flags: ExecuteFlags,
): Promise<void> {
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
  if (record.front.undo_of !== undefined)
    throw new DriftgateError(
      'this record is itself an undo; to take the manual change back again, run driftgate revert',
      { file: ledgerFile },
    );
  if (status !== 'applied')
    throw new DriftgateError(
      `only an applied revert can be undone (this record's outcome: ${status ?? 'none'})`,
      { file: ledgerFile },
    );
  const target = await stackTarget(dir, flags);
  if (flags.config && target.stack.name !== record.front.stack)
    throw new DriftgateError(
      `the record is for stack ${record.front.stack}, but ${dir} is stack ${target.stack.name}`,
      { file: ledgerFile },
      'run undo with the directory of the stack the record names, or pass --stack',
    );
  const outcome = record.front.outcome as { pull_request?: number | null };
  const front = undoRecordFront(record, outcome.pull_request ?? basename(ledgerFile), new Date());
  io.stdout(
    `Undo the revert of ${record.front.address} (drift ${record.front.drift_id}, stack ${record.front.stack}, ${target.region}): restore the manual change\n`,
  );
  printPlan(io, front.planned_operations, target.region);
  const executed = await confirmAndExecute(
    io,
    dir,
    // Without a config the stack's name (part of the fingerprint) is the record's.
    { ...flags, stack: flags.stack ?? (flags.config ? target.stack.name : record.front.stack) },
    target,
    front,
    'the revert was applied',
    confirm,
  );
  if (executed) {
    const root = await repositoryRootOf(dir, target.repoRoot);
    const undoPath = relative(root, resolve(ledgerFile)).startsWith('..')
      ? `.driftgate/ledger/${front.stack}/${basename(ledgerFile)}`
      : relative(root, resolve(ledgerFile));
    await recordOutcome(
      io,
      root,
      undoPath.replace(/\.md$/, '-undo.md'),
      front,
      `# Undo: restore the manual change on ${front.address}\n\nUndoes ${typeof front.undo_of === 'number' ? `#${front.undo_of}` : front.undo_of}, run from a terminal.\n`,
      executed,
      renderTrailers([
        ['Drift-Id', front.drift_id],
        ['Drift-Stack', front.stack],
        ['Drift-Address', front.address],
        ['Drift-Tier', front.tier],
        ['Drift-Direction', 'undo-revert'],
      ]),
    );
  }
  setExitCode(succeeded(executed));
}
