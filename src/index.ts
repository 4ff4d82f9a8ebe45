/**
 * The driftgate GitHub App (Probot). This file only wires events to handlers; the work is
 * in src/app/. `npm start` builds and runs it (src/server.ts).
 */
import type { Probot } from 'probot';
import { handleComment } from './app/commands.js';
import { handleMergedPullRequest } from './app/execute-merge.js';
import { handlePush, reportConfigCheck, CONFIG_CHECK } from './app/config-check.js';
import {
  mergeGreenTierOnePullRequests,
  reportScanFailure,
  scanRepository,
  serialisePerRepository,
} from './app/scan-repository.js';
import { Scheduler } from './app/scheduler.js';
import { handleApplyWorkflowRun } from './app/workflow-result.js';
import { z } from 'zod';
import { handleTierLabels } from './app/tier-labels.js';
import { appEnvironmentFrom, repositoryFor, type AppEnvironment } from './app/environment.js';

const dispatchPayloadSchema = z
  .object({
    stack: z.string().min(1).optional(),
    plan_run_id: z.number().int().positive().optional(),
    plan_artifact: z.string().min(1).optional(),
  })
  .refine((value) => (value.plan_run_id === undefined) === (value.plan_artifact === undefined), {
    message: 'plan_run_id and plan_artifact go together',
    path: ['plan_artifact'],
  });

/** The app with its environment given as data (tests pass a fixed metadata key). */
export function createDriftgate(environment: AppEnvironment): (app: Probot) => void {
  return (app) => wire(app, environment);
}

/** `npm start`: the metadata key comes from DRIFTGATE_METADATA_KEY or WEBHOOK_SECRET. */
export default function driftgate(app: Probot): void {
  wire(app, appEnvironmentFrom(process.env));
}

function wire(app: Probot, environment: AppEnvironment): void {
  // DRIFTGATE_SCHEDULER=off leaves scheduling to repository_dispatch (and keeps tests quiet).
  const scheduler =
    process.env.DRIFTGATE_SCHEDULER === 'off' ? undefined : new Scheduler(app, environment);
  scheduler?.start();

  app.on('push', async (context) => {
    const outcome = await handlePush(context);
    if (!outcome) return;
    const { repository } = context.payload;
    scheduler?.forget(repository.full_name);
    if (outcome.rescan)
      await scanRepository(context, environment, {
        owner: repository.owner?.login ?? repository.full_name.split('/')[0]!,
        repo: repository.name,
        defaultBranch: repository.default_branch,
        installationId: context.payload.installation?.id,
      });
  });

  app.on('issue_comment.created', async (context) => {
    await handleComment(context, environment);
  });

  // A merged remediation PR is the approval: execute it (tier and review rules permitting).
  app.on('pull_request.closed', async (context) => {
    await handleMergedPullRequest(context, environment);
  });

  // A dispatched apply workflow (plan-fed stacks) reports back.
  app.on('workflow_run.completed', async (context) => {
    await handleApplyWorkflowRun(context, environment);
  });

  app.on(['pull_request.labeled', 'pull_request.unlabeled'], async (context) => {
    await handleTierLabels(context, environment);
  });

  // "Re-run" on one of driftgate's checks: validate the config again and re-scan.
  app.on('check_run.rerequested', async (context) => {
    const { check_run: run, repository } = context.payload;
    if (!run.name.startsWith('driftgate/')) return;
    const owner = repository.owner.login;
    if (run.name === CONFIG_CHECK) {
      const outcome = await reportConfigCheck(context, owner, repository.name, run.head_sha);
      if (outcome.kind !== 'valid') return;
    }
    await scanRepository(context, environment, {
      owner,
      repo: repository.name,
      defaultBranch: repository.default_branch,
      installationId: context.payload.installation?.id,
    });
  });

  // Checks finished on a driftgate branch: a tier-1 PR driftgate merges itself may be green now.
  app.on('check_suite.completed', async (context) => {
    const { check_suite: suite, repository } = context.payload;
    if (!suite.head_branch?.startsWith('driftgate/')) return;
    const github = repositoryFor(
      context,
      environment,
      repository.owner.login,
      repository.name,
      repository.default_branch,
    );
    await serialisePerRepository(repository.full_name, () => mergeGreenTierOnePullRequests(github));
  });

  // A GitHub Actions cron or an EventBridge rule can trigger a scan:
  // POST /repos/{owner}/{repo}/dispatches {"event_type": "driftgate-scan", "client_payload": {"stack": "..."}}
  // With {"stack": "...", "plan_run_id": 123, "plan_artifact": "name"} the drift comes from
  // the plan JSON that workflow run uploaded, instead of driftgate's own AWS scan.
  app.on('repository_dispatch', async (context) => {
    if (context.payload.action !== 'driftgate-scan') return;
    const { repository } = context.payload;
    const target = {
      owner: repository.owner.login,
      repo: repository.name,
      defaultBranch: repository.default_branch,
    };
    const payload = dispatchPayloadSchema.safeParse(context.payload.client_payload ?? {});
    if (!payload.success) {
      const issue = payload.error.issues[0]!;
      await reportScanFailure(
        context,
        repositoryFor(context, environment, target.owner, target.repo, target.defaultBranch),
        `client_payload.${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      );
      return;
    }
    const { stack, plan_run_id: runId, plan_artifact: artifact } = payload.data;
    await scanRepository(context, environment, {
      ...target,
      stack,
      installationId: context.payload.installation?.id,
      plan: runId !== undefined && artifact ? { runId, artifact } : undefined,
    });
  });
}
