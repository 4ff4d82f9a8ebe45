/**
 * A merged remediation PR is the approval; this is where driftgate acts on it. A revert (or
 * an undo) of tier 1, or of tier 2 with an approving review from someone with write access,
 * is executed with the stack's apply role: pre-check, apply, verify, roll back on failure.
 * Tier 3 and codify merges execute nothing. Every outcome is reported three ways: a
 * `driftgate/apply` check run on the merge commit, a PR comment, and the ledger record's
 * `outcome`, committed to the default branch.
 */
import { terraformTargetCommand } from '../remediation/shell.js';
import { AwsSession } from '../cloud/aws/session.js';
import { sendOperation } from '../cloud/aws/operations.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Tier } from '../drift/model.js';
import { DriftgateError, describeError } from '../errors.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { canCommand } from '../github/commands.js';
import { parsePullRequestMeta, type PullRequestMeta } from '../github/pr-body.js';
import type { GitHubRepository } from '../github/repository.js';
import { repositoryFor } from './environment.js';
import { tierFromLabels } from '../policy/merge.js';
import { tierFloorFor } from '../policy/tiers.js';
import { execute, type ExecutionReport } from '../remediation/execute.js';
import {
  executionPlanOf,
  ledgerRecordPathIn,
  outcomeFromReport,
  parseLedgerRecord,
  withOutcome,
  type LedgerOutcome,
  type LedgerRecord,
  renderTrailers,
} from '../remediation/ledger.js';
import type { ExecuteJob } from '../jobs/payloads.js';
import { readRepositoryConfig } from './config-check.js';
import { detectStackDrifts } from './detect-stack.js';
import type { JobContext } from './job-context.js';
import { mayExecute, modeOf } from '../policy/modes.js';
import { inlineCode, plainText, tableCell } from '../report/markdown.js';
import { afterExecution, executionGate, showWaiting } from './execution-bounds.js';

export const APPLY_CHECK = 'driftgate/apply';

/** Why a merged PR was not executed: each shown to people as is. */
export type NotExecutedReason =
  | 'advisory-tier-3'
  | 'codify-merged'
  | 'no-approving-review'
  | 'nothing-to-apply-by-api'
  | 'stack-not-configured'
  | 'no-ledger-record'
  | 'ledger-unreadable'
  | 'no-apply-workflow'
  | 'mode';

export type MergeOutcome =
  | { kind: 'ignored' }
  | { kind: 'already-reported'; title: string }
  | { kind: 'not-executed'; reason: NotExecutedReason; message: string }
  | { kind: 'executed'; report: ExecutionReport }
  /** Over an hourly cap or behind an open breaker: the job is put back, never dropped. */
  | { kind: 'waiting'; reason: string; retryInMs: number }
  | { kind: 'dispatched'; workflow: string };

/** A driftgate branch in this very repository, merged. Forks never qualify. */
export function isDriftgateBranch(ref: string): boolean {
  return ref.startsWith('driftgate/') || ref.startsWith('driftgate-undo/');
}

export function effectiveTier(
  config: DriftgateConfig,
  stack: StackConfig,
  meta: PullRequestMeta,
  labels: string[],
): { tier: Tier; floor: Tier } {
  const floor = tierFloorFor(config.tiers, stack, meta.address).tier;
  // A label may raise the tier, never lower it; the body's tier is not trusted at all.
  return { tier: Math.max(floor, tierFromLabels(labels) ?? floor) as Tier, floor };
}

export async function findLedger(
  github: GitHubRepository,
  number: number,
  ref: string,
): Promise<{ path: string; record: LedgerRecord } | undefined> {
  const path = ledgerRecordPathIn((await github.pullRequestFiles(number)).map((file) => file.path));
  if (!path) return undefined;
  const text = await github.readFile(path, ref);
  return text === undefined ? undefined : { path, record: parseLedgerRecord(text, path) };
}

async function approversWithWriteAccess(
  github: GitHubRepository,
  number: number,
): Promise<string[]> {
  const approvers: string[] = [];
  for (const review of await github.latestReviews(number)) {
    if (review.state !== 'APPROVED') continue;
    const { permission, role } = await github.permissionOf(review.login);
    if (canCommand(permission, role)) approvers.push(review.login);
  }
  return approvers;
}

function table(report: ExecutionReport): string {
  const rows = [
    ...report.steps.map((step) => ({ ...step, phase: 'apply' })),
    ...report.rollback.map((step) => ({ ...step, phase: 'rollback' })),
  ];
  if (!rows.length) return '';
  return [
    '| # | phase | operation | result | ms |',
    '| --- | --- | --- | --- | ---: |',
    ...rows.map(
      (row, index) =>
        `| ${index + 1} | ${row.phase} | ${tableCell(plainText(row.description))} (${tableCell(inlineCode(row.api))}) | ${row.result}${row.error ? `: ${tableCell(plainText(row.error))}` : ''} | ${row.ms} |`,
    ),
  ].join('\n');
}

export function renderExecutionReport(report: ExecutionReport): string {
  return [
    `**${report.status}** in ${report.durationMs} ms.`,
    '',
    `- Pre-check: ${plainText(report.precheck)}.`,
    `- Verification: ${plainText(report.verification)}.`,
    '',
    table(report),
  ]
    .join('\n')
    .trimEnd();
}

const CHECK_CONCLUSION: Record<ExecutionReport['status'], 'success' | 'failure' | 'neutral'> = {
  applied: 'success',
  'nothing-to-do': 'success',
  'precheck-failed': 'neutral',
  'rolled-back': 'failure',
  'rollback-failed': 'failure',
};

export async function recordOutcome(
  github: GitHubRepository,
  ledger: { path: string; record: LedgerRecord },
  outcome: LedgerOutcome,
  meta: PullRequestMeta,
): Promise<string | undefined> {
  try {
    await github.commitToDefaultBranch(
      [{ path: ledger.path, content: withOutcome(ledger.record, outcome) }],
      `driftgate: record outcome of #${outcome.pull_request} (${outcome.status})\n\n${renderTrailers(
        [
          ['Drift-Id', meta.fingerprint],
          ['Drift-Stack', meta.stack],
          ['Drift-Address', meta.address],
          ['Drift-Outcome', outcome.status],
          ['Drift-Merged-By', outcome.merged_by ?? 'unknown'],
        ],
      )}\n`,
    );
    return undefined;
  } catch (error) {
    // A protected default branch may refuse the app: the check run and comment still say it all.
    return `the ledger outcome could not be committed (${describeError(error)})`;
  }
}

/** The driftgate/apply check run on a merge commit, as a retry finds it. */
async function applyCheckOn(
  context: JobContext,
  job: ExecuteJob,
): Promise<{ status: string; title: string } | undefined> {
  const { data } = await context.octokit.rest.checks.listForRef({
    owner: job.owner,
    repo: job.repo,
    ref: job.mergeSha,
    check_name: APPLY_CHECK,
    filter: 'latest',
    per_page: 1,
  });
  const run = data.check_runs[0];
  return run ? { status: run.status, title: run.output.title ?? '' } : undefined;
}

const EXECUTING = 'executing: ';
const WAITING = 'waiting: ';

/**
 * The execute job (one per repository + PR + merge commit). It is never blindly redone: a
 * retry — after an error, or after the worker running it died — first reads the
 * driftgate/apply check run. A completed run or a dispatched workflow means the outcome is
 * already reported: nothing more is done. A run left "executing" means an attempt was cut
 * short: the new attempt goes through the pre-check, which finds live state as the cut-short
 * attempt left it, so no operation is applied twice, and the report says it resumed.
 */
export async function handleMergedPullRequest(
  context: JobContext,
  job: ExecuteJob,
): Promise<MergeOutcome> {
  const { owner, repo } = job;
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  const fullName = `${owner}/${repo}`;
  const previous = await applyCheckOn(context, job);
  if (
    previous &&
    (previous.status === 'completed' ||
      !(previous.title.startsWith(EXECUTING) || previous.title.startsWith(WAITING)))
  )
    return { kind: 'already-reported', title: previous.title };
  const resumed = previous?.title.startsWith(EXECUTING) === true;
  const outcome = await (async (): Promise<MergeOutcome> => {
    // Ask GitHub, not the payload, whether and how it was merged.
    const pr = await github.getPullRequest(job.pullNumber);
    const meta = parsePullRequestMeta(github.records, pr.body);
    if (!pr.merged || !pr.merge_commit_sha || !meta || !isDriftgateBranch(pr.head.ref))
      return { kind: 'ignored' };
    if (pr.head.repo?.full_name !== fullName) return { kind: 'ignored' };
    const mergeSha = pr.merge_commit_sha;
    const config = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
    if (config.kind !== 'valid') return { kind: 'ignored' };
    const stack = config.config.stacks.find((candidate) => candidate.name === meta.stack);
    const notExecuted = async (
      reason: NotExecutedReason,
      message: string,
      conclusion: 'neutral' | 'failure' | 'success',
      ledger?: { path: string; record: LedgerRecord },
      approvers: string[] = [],
    ): Promise<MergeOutcome> => {
      await ensureCheckRun(context.octokit, {
        owner,
        repo,
        headSha: mergeSha,
        name: APPLY_CHECK,
        conclusion,
        title: `not executed: ${reason}`,
        summary: message,
      });
      let note = '';
      if (ledger)
        note =
          (await recordOutcome(
            github,
            ledger,
            {
              status: reason === 'codify-merged' ? 'codified' : `not-executed: ${reason}`,
              pull_request: pr.number,
              merged_by: pr.merged_by?.login ?? null,
              approved_by: approvers,
              executed_at: new Date().toISOString(),
              operations: [],
              rollback: [],
              precheck: 'not run',
              verification: 'not run',
              duration_ms: 0,
            },
            meta,
          )) ?? '';
      if (reason !== 'codify-merged')
        await github.comment(
          pr.number,
          `driftgate did not execute this merge: ${message}${note ? `\n\nNote: ${note}.` : ''}`,
        );
      return { kind: 'not-executed', reason, message };
    };

    if (!stack)
      return notExecuted(
        'stack-not-configured',
        `stack ${inlineCode(meta.stack)} is no longer in \`.github/driftgate.yml\`.`,
        'neutral',
      );
    let ledger: Awaited<ReturnType<typeof findLedger>>;
    try {
      ledger = await findLedger(github, pr.number, mergeSha);
    } catch (error) {
      // An edited record (unknown operation, missing params): execute nothing, say why.
      if (!(error instanceof DriftgateError)) throw error;
      return notExecuted(
        'ledger-unreadable',
        `the ledger record cannot be read: ${error.format()}`,
        'failure',
      );
    }
    if (!ledger)
      return notExecuted('no-ledger-record', 'the PR has no ledger record to execute.', 'failure');
    const labels = pr.labels.map((label) => label.name ?? '');
    const { tier } = effectiveTier(config.config, stack, meta, labels);
    const record = ledger.record.front;
    if (tier === 3)
      return notExecuted(
        'advisory-tier-3',
        'this is a tier-3 (advisory) drift: merging recorded the decision in the ledger; a person applies it (see "Do it by hand" in the description).',
        'neutral',
        ledger,
      );
    if (record.direction === 'codify')
      return notExecuted(
        'codify-merged',
        record.undo_of === undefined
          ? 'the code now says what is live; there is nothing to execute.'
          : `the code is restored as it was before #${record.undo_of}; live state is not touched.`,
        'success',
        ledger,
      );
    const mode = modeOf(config.config, stack);
    if (!mayExecute(mode))
      return notExecuted(
        'mode',
        `stack ${inlineCode(stack.name)} is in mode \`${mode}\`: driftgate never executes a merge there. Apply the change by hand (see "Do it by hand" in the description) or set \`mode: remediate\`.`,
        'neutral',
        ledger,
      );
    const approvers = await approversWithWriteAccess(github, pr.number);
    if (tier === 2 && approvers.length === 0)
      return notExecuted(
        'no-approving-review',
        'tier 2 needs an approving review from someone with write access before merging, and this PR had none. Nothing was applied; undo the merge or apply the change by hand.',
        'failure',
        ledger,
      );
    // Bounds (docs/guardrails.md): a closed breaker and room under the hourly caps, or wait.
    const gate = await executionGate(context, job, github, config.config, stack);
    if (gate.kind === 'wait') {
      const title = `${WAITING}${gate.metric}`;
      if (previous?.title !== title) {
        await ensureCheckRun(context.octokit, {
          owner,
          repo,
          headSha: mergeSha,
          name: APPLY_CHECK,
          conclusion: 'pending',
          title,
          summary: `This execution waits for ${gate.markdown}. It is queued, not dropped: driftgate runs it as soon as it may.`,
        });
        await github.comment(
          pr.number,
          `This merge is approved for execution and waits for ${gate.markdown}. It stays queued and runs as soon as it may; the dashboard lists it meanwhile.`,
        );
        await showWaiting(github, stack.name, pr.number, gate.reason, context.now());
      }
      context.jobs.metrics.executionsWaiting.inc({ reason: gate.metric });
      return { kind: 'waiting', reason: gate.reason, retryInMs: gate.retryInMs };
    }
    if (previous?.title.startsWith(WAITING))
      await showWaiting(github, stack.name, pr.number, undefined, context.now());
    if (record.source === 'plan') {
      if (!stack.apply_workflow)
        return notExecuted(
          'no-apply-workflow',
          `this drift came from a Terraform plan, so it is applied by Terraform: set \`stacks[].apply_workflow\` for ${inlineCode(stack.name)} to have driftgate dispatch your apply workflow, or run ${inlineCode(terraformTargetCommand('apply', meta.address))} by hand.`,
          'neutral',
          ledger,
          approvers,
        );
      // The repository's own workflow plans and applies; its run reports back (workflow_run).
      await context.octokit.rest.actions.createWorkflowDispatch({
        owner,
        repo,
        workflow_id: stack.apply_workflow,
        ref: job.defaultBranch,
        inputs: { stack: stack.name, targets: meta.address, pull_request: String(pr.number) },
      });
      await ensureCheckRun(context.octokit, {
        owner,
        repo,
        headSha: mergeSha,
        name: APPLY_CHECK,
        conclusion: 'pending',
        title: `dispatched ${stack.apply_workflow}`,
        summary: `${inlineCode(terraformTargetCommand('apply', meta.address))} runs in ${inlineCode(stack.apply_workflow)} (stack ${inlineCode(stack.name)}); this check completes with its result.`,
      });
      await github.comment(
        pr.number,
        `Dispatched ${inlineCode(stack.apply_workflow)} to apply ${inlineCode(meta.address)} (stack ${inlineCode(stack.name)})${approvers.length ? `, approved by ${approvers.map((login) => `@${login}`).join(', ')}` : ''}. driftgate reports its result here.`,
      );
      return { kind: 'dispatched', workflow: stack.apply_workflow };
    }
    if (record.planned_operations.length === 0)
      return notExecuted(
        'nothing-to-apply-by-api',
        'no operation driftgate can apply by API; run the Terraform commands from the description.',
        'neutral',
        ledger,
        approvers,
      );

    // An undo restores the manual change: before it, no drift; after it, the original drift.
    const isUndo = record.undo_of !== undefined;
    // From here an attempt cut short is visible to the next one (see applyCheckOn).
    context.lock?.assertHeld();
    await ensureCheckRun(context.octokit, {
      owner,
      repo,
      headSha: mergeSha,
      name: APPLY_CHECK,
      conclusion: 'pending',
      title: `${EXECUTING}${isUndo ? 'undo' : 'revert'} of ${meta.address}`,
      summary: `driftgate is applying ${record.planned_operations.length} operation(s). If this attempt is cut short, the next one goes through the pre-check again, so nothing is applied twice.`,
    });
    const scanSession = new AwsSession({
      region: stack.aws.region,
      roleArn: stack.aws.role,
      waitForSlot: (limiter, key, perSecond) => context.jobs.waitForSlot(limiter, key, perSecond),
    });
    const applySession = new AwsSession({
      region: stack.aws.region,
      roleArn: stack.aws.apply_role ?? stack.aws.role,
    });
    let report: ExecutionReport;
    try {
      report = await execute(executionPlanOf(record), {
        detect: async () =>
          (
            await detectStackDrifts(github, config.config, stack, scanSession, new Date())
          ).drifts.find((drift) => drift.address === meta.address),
        send: (operation) => sendOperation(applySession, operation),
      });
    } finally {
      scanSession.destroy();
      applySession.destroy();
    }
    context.log.info(
      {
        repository: fullName,
        pullRequest: pr.number,
        address: meta.address,
        status: report.status,
        operations: report.steps.map((step) => `${step.api}:${step.result}`),
        rollback: report.rollback.map((step) => `${step.api}:${step.result}`),
      },
      'executed merged remediation',
    );
    context.jobs.metrics.executions.inc({ outcome: report.status });
    const text = `${resumed ? 'An earlier attempt was cut short (its worker stopped); this attempt started again from the pre-check, so no operation was applied twice.\n\n' : ''}${renderExecutionReport(report)}`;
    await ensureCheckRun(context.octokit, {
      owner,
      repo,
      headSha: mergeSha,
      name: APPLY_CHECK,
      conclusion: CHECK_CONCLUSION[report.status],
      title: `${isUndo ? 'undo' : 'revert'} of ${meta.address}: ${report.status}`,
      summary: text,
    });
    const breakerNote = await afterExecution(
      context,
      github,
      config.config,
      {
        stack: stack.name,
        pullRequest: pr.number,
        fingerprint: meta.fingerprint,
        address: meta.address,
        isUndo,
      },
      report,
    );
    const note = await recordOutcome(
      github,
      ledger,
      outcomeFromReport(
        report,
        {
          pull_request: pr.number,
          merged_by: pr.merged_by?.login ?? null,
          approved_by: approvers,
        },
        new Date(),
      ),
      meta,
    );
    await github.comment(
      pr.number,
      `${isUndo ? 'Undo' : 'Revert'} executed on merge${pr.merged_by ? ` by @${pr.merged_by.login}` : ''}${approvers.length ? `, approved by ${approvers.map((login) => `@${login}`).join(', ')}` : ''}:\n\n${text}${report.status === 'precheck-failed' ? '\n\ndriftgate re-scans the stack now; a new PR will describe the live state.' : ''}${note ? `\n\nNote: ${note}.` : ''}${breakerNote ? `\n\n${breakerNote}` : ''}`,
    );
    if (report.status === 'precheck-failed')
      await context.jobs.enqueue({
        kind: 'scan',
        installationId: job.installationId,
        owner,
        repo,
        defaultBranch: job.defaultBranch,
        stack: meta.stack,
        reason: 'precheck-failed',
      });
    return { kind: 'executed', report };
  })();
  if (outcome.kind === 'not-executed')
    context.jobs.metrics.executions.inc({ outcome: `not-executed: ${outcome.reason}` });
  return outcome;
}
