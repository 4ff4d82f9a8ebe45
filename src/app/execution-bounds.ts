/**
 * The bounds around one execution of a merged remediation (docs/guardrails.md): the stack's
 * circuit breaker must be closed, and the execution must fit the hourly caps of its stack
 * and its installation. Otherwise it waits — the execute job is put back and looked at
 * again — shown on the PR's driftgate/apply check run and on the dashboard; it is never
 * dropped. After an execution: a rollback opens the breaker; an applied revert is
 * remembered for flap detection.
 */
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { GitHubRepository } from '../github/repository.js';
import type { ExecuteJob } from '../jobs/payloads.js';
import type { ExecutionReport } from '../remediation/execute.js';
import { inlineCode, plainText } from '../report/markdown.js';
import { readBreaker, recordBreakerEvent } from './breaker.js';
import { disarmAutoMerge } from './breaker-disarm.js';
import { updateGuardrails } from './dashboard-update.js';
import { recordExecutedRevert } from './flap.js';
import type { JobContext } from './job-context.js';
import { notifyBatch } from './notify-batch.js';

/**
 * `reason` is plain text (the dashboard's record, logs); `markdown` is the same for a PR
 * comment or a check run, with the breaker's cause escaped: the breaker file is in git, and
 * whoever can push there wrote what it says.
 */
export type ExecutionGate =
  | { kind: 'go' }
  | { kind: 'wait'; reason: string; markdown: string; metric: string; retryInMs: number };

/** A breaker is re-read this often while an execution waits for it. */
const BREAKER_RECHECK_MS = 5 * 60_000;

export async function executionGate(
  context: JobContext,
  job: ExecuteJob,
  github: GitHubRepository,
  config: DriftgateConfig,
  stack: StackConfig,
): Promise<ExecutionGate> {
  const breaker = await readBreaker(github, stack.name);
  if (breaker.state === 'open')
    return {
      kind: 'wait',
      reason: `the circuit breaker of ${stack.name} is open (${breaker.cause}); comment /driftgate resume to close it`,
      markdown: `the circuit breaker of ${inlineCode(stack.name)} is open (${plainText(breaker.cause)}); comment \`/driftgate resume\` to close it`,
      metric: 'breaker',
      retryInMs: BREAKER_RECHECK_MS,
    };
  const caps = config.limits.executions_per_hour;
  const repository = `${job.owner}/${job.repo}`.toLowerCase();
  const stackKey = `stack:${repository}:${stack.name}`;
  const installationKey = job.installationId
    ? `installation:${job.installationId}`
    : `repository:${repository}`;
  const slot = await context.jobs.takeExecutionSlot(
    [
      { key: stackKey, limit: caps.stack },
      { key: installationKey, limit: caps.installation },
    ],
    context.now(),
  );
  if (slot.taken) return { kind: 'go' };
  return {
    kind: 'wait',
    reason: `the hourly execution cap (limits.executions_per_hour: ${caps.stack} per stack, ${caps.installation} per installation)`,
    markdown: `the hourly execution cap (\`limits.executions_per_hour\`: ${caps.stack} per stack, ${caps.installation} per installation)`,
    metric: 'hourly-cap',
    retryInMs: slot.retryInMs,
  };
}

/** The waiting execution, on the dashboard (added, or removed once it runs). */
export async function showWaiting(
  github: GitHubRepository,
  stack: string,
  pullRequest: number,
  reason: string | undefined,
  now: Date,
): Promise<void> {
  await updateGuardrails(
    github,
    (guardrails) => {
      const others = guardrails.waiting.filter((entry) => entry.pullRequest !== pullRequest);
      const previous = guardrails.waiting.find((entry) => entry.pullRequest === pullRequest);
      return {
        ...guardrails,
        waiting:
          reason === undefined
            ? others
            : [
                ...others,
                {
                  stack,
                  pullRequest,
                  reason,
                  since: previous?.reason === reason ? previous.since : now.toISOString(),
                },
              ],
      };
    },
    now,
  );
}

/**
 * After an execution: a failed verification or a rollback opens the stack's breaker
 * (ledger file, dashboard, metric); an applied revert counts towards flap detection.
 * Returns a sentence for the PR comment, or undefined.
 */
export async function afterExecution(
  context: JobContext,
  github: GitHubRepository,
  config: DriftgateConfig,
  target: {
    stack: string;
    pullRequest: number;
    fingerprint: string;
    address: string;
    isUndo: boolean;
  },
  report: ExecutionReport,
): Promise<string | undefined> {
  const note = await boundsAfterExecution(context, github, config, target, report);
  await notifyBatch(context, config, github, [
    {
      event: 'execution',
      stack: target.stack,
      address: target.address,
      pullRequest: target.pullRequest,
      status: report.status,
    },
    ...(note
      ? [
          {
            event: 'breaker' as const,
            stack: target.stack,
            cause: `#${target.pullRequest} ${report.status}`,
          },
        ]
      : []),
  ]);
  return note;
}

async function boundsAfterExecution(
  context: JobContext,
  github: GitHubRepository,
  config: DriftgateConfig,
  target: { stack: string; pullRequest: number; fingerprint: string; isUndo: boolean },
  report: ExecutionReport,
): Promise<string | undefined> {
  const now = context.now();
  if (report.status === 'applied' && !target.isUndo)
    await recordExecutedRevert(context.jobs, github, config, target.stack, target.fingerprint, now);
  if (report.status !== 'rolled-back' && report.status !== 'rollback-failed') return undefined;
  const cause = `#${target.pullRequest} ${report.status === 'rolled-back' ? 'was rolled back' : 'failed and could not be rolled back'} (${report.verification})`;
  const recorded = await recordBreakerEvent(github, target.stack, {
    state: 'open',
    at: now.toISOString(),
    cause,
    pull_request: target.pullRequest,
  });
  context.jobs.metrics.breakerTransitions.inc({ state: 'open' });
  context.jobs.metrics.breakerOpen.set(
    { repository: `${github.owner}/${github.repo}`, stack: target.stack },
    1,
  );
  await updateGuardrails(
    github,
    (guardrails) => ({
      ...guardrails,
      breakers: [
        ...guardrails.breakers.filter((breaker) => breaker.stack !== target.stack),
        {
          stack: target.stack,
          state: 'open',
          at: now.toISOString(),
          cause,
          pullRequest: target.pullRequest,
        },
      ],
    }),
    now,
  );
  context.log.warn({ stack: target.stack, cause }, 'circuit breaker opened');
  await disarmAutoMerge(github, target.stack, context.log);
  return `**The circuit breaker of stack ${inlineCode(target.stack)} is now open**: driftgate executes nothing and self-merges no tier-1 PR there until someone with write access comments \`/driftgate resume\` on the dashboard or on a PR of the stack.${recorded ? ` Note: ${recorded}.` : ''}`;
}
