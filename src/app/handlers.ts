/**
 * The worker side: one handler per job kind, each given a small typed payload and a
 * GitHub client for the job's installation — never a webhook context.
 */
import type { Probot } from 'probot';
import { DRIFTGATE_LABELS } from '../github/repository.js';
import type { JobHandler, JobLayer } from '../jobs/job-layer.js';
import type { Job } from '../jobs/payloads.js';
import { repositoryFor, type AppEnvironment } from './environment.js';
import { mergeGreenTierOnePullRequests } from './automerge.js';
import { handleComment } from './commands.js';
import { handleConfigCheck, readRepositoryConfig } from './config-check.js';
import { mayMerge, modeOfStack } from '../policy/modes.js';
import { handleMergedPullRequest } from './execute-merge.js';
import type { JobContext } from './job-context.js';
import { handleGuard, refreshGuards } from './guard.js';
import { handleGuardAction } from './guard-action.js';
import { redeliverFailed } from './redeliver.js';
import { reportScanFailure, scanRepository } from './scan-repository.js';
import { reconcileSchedules, syncRepositorySchedule } from './schedules.js';
import { handleTierLabels } from './tier-labels.js';
import { handlePolicyReview } from './policy-check.js';
import { handleApplyWorkflowRun } from './workflow-result.js';

type Octokit = JobContext['octokit'];

/** Count every GitHub request a worker makes, by method and status class. */
function countRequests(octokit: Octokit, jobs: JobLayer): Octokit {
  octokit.hook.after('request', (response, options) => {
    jobs.metrics.githubCalls.inc({
      method: options.method,
      status: `${Math.floor(response.status / 100)}xx`,
    });
  });
  octokit.hook.error('request', (error, options) => {
    const status = (error as { status?: number }).status ?? 0;
    jobs.metrics.githubCalls.inc({
      method: options.method,
      status: `${Math.floor(status / 100)}xx`,
    });
    throw error;
  });
  return octokit;
}

/**
 * driftgate's check runs (`driftgate/…`) are looked up by name; GitHub lists every app's
 * runs of that name. Ask for this app's only, so a workflow or another app cannot post a
 * `driftgate/policy` "No policy findings" and be read back as driftgate's verdict. (The
 * merge verdict over all checks, `checksOn`, asks by commit, not by name: unaffected.)
 */
function ownCheckRunsOnly(octokit: Octokit, appId: number | undefined): Octokit {
  if (appId === undefined) return octokit;
  octokit.hook.before('request', (options) => {
    if (
      options.url === '/repos/{owner}/{repo}/commits/{ref}/check-runs' &&
      typeof options.check_name === 'string' &&
      options.check_name.startsWith('driftgate/')
    )
      options.app_id = appId;
  });
  return octokit;
}

async function run(
  app: Probot,
  jobs: JobLayer,
  job: Job,
  context: () => Promise<JobContext>,
): Promise<void | { waitMs: number }> {
  switch (job.kind) {
    case 'scan': {
      const ctx = await context();
      if (job.problem) {
        const github = repositoryFor(ctx, ctx.environment, job.owner, job.repo, job.defaultBranch);
        await reportScanFailure(ctx, github, job.problem);
        return;
      }
      await scanRepository(ctx, {
        owner: job.owner,
        repo: job.repo,
        defaultBranch: job.defaultBranch,
        stack: job.stack,
        installationId: job.installationId,
        plan: job.plan,
        resources: job.resources,
        now: ctx.now(),
      });
      return;
    }
    case 'scheduled-scan':
      await jobs.scheduledScan(job);
      return;
    case 'execute': {
      const outcome = await handleMergedPullRequest(await context(), job);
      // Over a cap or behind an open breaker: the job waits in the queue (docs/guardrails.md).
      if (outcome.kind === 'waiting') return { waitMs: outcome.retryInMs };
      return;
    }
    case 'workflow-result':
      await handleApplyWorkflowRun(await context(), job);
      return;
    case 'command':
      await handleComment(await context(), job);
      return;
    case 'labels':
      await handleTierLabels(await context(), job);
      return;
    case 'policy-review':
      await handlePolicyReview(await context(), job);
      return;
    case 'automerge': {
      const ctx = await context();
      const github = repositoryFor(ctx, ctx.environment, job.owner, job.repo, job.defaultBranch);
      const config = await readRepositoryConfig(ctx, job.owner, job.repo, job.defaultBranch);
      // Without a valid config no stack's mode is known: merge nothing (docs/guardrails.md#modes).
      await mergeGreenTierOnePullRequests(
        github,
        undefined,
        (stack) => config.kind === 'valid' && mayMerge(modeOfStack(config.config, stack)),
      );
      return;
    }
    case 'config-check':
      await handleConfigCheck(await context(), job);
      return;
    case 'guard':
      await handleGuard(await context(), job);
      return;
    case 'guard-refresh':
      await refreshGuards(await context(), job);
      return;
    case 'guard-action':
      await handleGuardAction(await context(), job);
      return;
    case 'sync-repository': {
      const synced = await syncRepositorySchedule(app, jobs, job);
      if (synced.kind === 'scheduled') {
        const ctx = await context();
        await repositoryFor(
          ctx,
          ctx.environment,
          job.owner,
          job.repo,
          synced.defaultBranch,
        ).ensureLabels(DRIFTGATE_LABELS);
      }
      return;
    }
    case 'reconcile-schedules':
      await reconcileSchedules(app, jobs);
      return;
    case 'redeliver':
      await redeliverFailed(app, jobs);
      return;
  }
}

export function jobHandler(
  app: Probot,
  jobs: JobLayer,
  environment: AppEnvironment,
  now: () => Date = () => new Date(),
): JobHandler {
  return (job, runContext) =>
    run(app, jobs, job, async () => {
      const installationId = 'installationId' in job ? job.installationId : undefined;
      const octokit = ownCheckRunsOnly(
        countRequests(await app.auth(installationId), jobs),
        environment.appId,
      );
      return {
        octokit,
        log: app.log.child({ job: runContext.jobId, attempt: runContext.attempt }),
        jobs,
        lock: runContext.lock,
        environment,
        now,
      };
    });
}
