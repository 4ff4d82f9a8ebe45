/**
 * The driftgate GitHub App (Probot). The web side only: Probot verifies each delivery's
 * signature, driftgate drops a delivery already taken (by any instance, 24 h), turns the
 * event into small typed jobs and answers. The work runs in workers (src/app/handlers.ts),
 * in this process or another (src/server.ts, DRIFTGATE_PROCESS).
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import { z } from 'zod';
import { mightBeCommand } from './app/commands.js';
import { CONFIG_CHECK } from './app/config-check.js';
import { isDriftgateBranch } from './app/execute-merge.js';
import { jobHandler } from './app/handlers.js';
import { appEnvironmentFrom, type AppEnvironment } from './app/environment.js';
import { isTierLabelEvent } from './app/tier-labels.js';
import {
  guardAction,
  guardJobsForPullRequest,
  guardRefreshFor,
  guardRerun,
} from './app/guard-events.js';
import { RUN_NAME } from './app/workflow-result.js';
import { createJobLayer, settingsFromEnv } from './jobs/create.js';
import type { JobLayer } from './jobs/job-layer.js';
import type { JobInput, RepositoryRef } from './jobs/payloads.js';

const dispatchPayloadSchema = z
  .object({
    stack: z.string().min(1).optional(),
    plan_run_id: z.number().int().positive().optional(),
    plan_artifact: z.string().min(1).optional(),
    /** The plan is of this pull request's head: it feeds the PR's driftgate/guard. */
    pull_request: z.number().int().positive().optional(),
    resources: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
  })
  .refine((value) => (value.plan_run_id === undefined) === (value.plan_artifact === undefined), {
    message: 'plan_run_id and plan_artifact go together',
    path: ['plan_artifact'],
  })
  .refine(
    (value) =>
      value.pull_request === undefined || (value.plan_run_id !== undefined && Boolean(value.stack)),
    { message: 'pull_request needs stack, plan_run_id and plan_artifact', path: ['pull_request'] },
  );

interface RepositoryPayload {
  name: string;
  full_name: string;
  default_branch: string;
  owner?: { login: string } | null;
}

function refOf(repository: RepositoryPayload, installation?: { id: number } | null): RepositoryRef {
  return {
    installationId: installation?.id,
    owner: repository.owner?.login ?? repository.full_name.split('/')[0]!,
    repo: repository.name,
    defaultBranch: repository.default_branch,
  };
}

export interface DriftgateOptions {
  jobs: JobLayer;
  /** The app's environment as data: the key of driftgate's hidden records (tests fix one). */
  environment: AppEnvironment;
  /** Run workers in this process, `concurrency` jobs at a time per queue; false: web only. */
  worker: { concurrency: number } | false;
  /** The clock jobs act by (tests move it forward); default the real one. */
  now?: () => Date;
  /**
   * A targeted rescan (client_payload.resources) waits this long before it runs, so a burst
   * of change events for the same resources becomes one scan. Default 5 s.
   */
  targetedScanDelayMs?: number;
}

/** The app with an explicit job layer (the server, tests and benchmarks build one). */
export function createDriftgate(options: DriftgateOptions): ApplicationFunction {
  const { jobs } = options;
  return (app: Probot) => {
    /** Take a delivery once, enqueue its jobs; a failure lets GitHub's redelivery through. */
    const intake = async (
      context: Context,
      jobsOf: () => JobInput[],
      delayMs?: (job: JobInput) => number | undefined,
    ): Promise<void> => {
      const wanted = jobsOf();
      if (!wanted.length) {
        jobs.metrics.deliveries.inc({ event: context.name, result: 'ignored' });
        return;
      }
      if (!(await jobs.acceptDelivery(context.id))) {
        jobs.metrics.deliveries.inc({ event: context.name, result: 'duplicate' });
        return;
      }
      try {
        for (const job of wanted) await jobs.enqueue(job, { delayMs: delayMs?.(job) });
      } catch (error) {
        await jobs.forgetDelivery(context.id).catch(() => undefined);
        throw error;
      }
      jobs.metrics.deliveries.inc({ event: context.name, result: 'enqueued' });
    };

    app.on('push', (context) =>
      intake(context, () => {
        const { payload } = context;
        if (payload.ref !== `refs/heads/${payload.repository.default_branch}` || payload.deleted)
          return [];
        return [
          {
            kind: 'config-check',
            ...refOf(payload.repository, payload.installation),
            sha: payload.after,
            trigger: 'push',
            changedPaths: [
              ...new Set(
                payload.commits.flatMap((commit) => [
                  ...(commit.added ?? []),
                  ...(commit.modified ?? []),
                  ...(commit.removed ?? []),
                ]),
              ),
            ].slice(0, 3000),
          },
        ];
      }),
    );

    app.on('issue_comment.created', (context) =>
      intake(context, () => {
        const { comment, issue, sender, repository, installation } = context.payload;
        if (!mightBeCommand(comment.body)) return [];
        return [
          {
            kind: 'command',
            ...refOf(repository, installation),
            commentId: comment.id,
            issueNumber: issue.number,
            isPullRequest: Boolean(issue.pull_request),
            body: comment.body.slice(0, 65_536),
            sender: { login: sender.login, type: sender.type },
          },
        ];
      }),
    );

    // A merged remediation PR is the approval: execute it (tier and review rules permitting).
    app.on('pull_request.closed', (context) =>
      intake(context, () => {
        const { pull_request: pr, repository, installation } = context.payload;
        const refresh = guardRefreshFor(refOf(repository, installation), repository.full_name, pr);
        if (!pr.merged || !pr.merge_commit_sha || !isDriftgateBranch(pr.head.ref)) return refresh;
        if (pr.head.repo?.full_name !== repository.full_name) return [];
        return [
          {
            kind: 'execute',
            ...refOf(repository, installation),
            pullNumber: pr.number,
            mergeSha: pr.merge_commit_sha,
          },
          ...refresh,
        ];
      }),
    );

    // A dispatched apply workflow (plan-fed stacks) reports back.
    app.on('workflow_run.completed', (context) =>
      intake(context, () => {
        const { workflow_run: run, repository, installation } = context.payload;
        const title = run.display_title ?? run.name ?? '';
        if (!RUN_NAME.test(title)) return [];
        return [
          {
            kind: 'workflow-result',
            ...refOf(repository, installation),
            run: {
              id: run.id,
              title,
              headRepository: run.head_repository?.full_name ?? null,
              headBranch: run.head_branch ?? null,
              path: run.path,
              conclusion: run.conclusion ?? null,
              runNumber: run.run_number,
              htmlUrl: run.html_url,
              updatedAt: run.updated_at,
              startedAt: run.run_started_at ?? run.created_at,
            },
          },
        ];
      }),
    );

    app.on(['pull_request.labeled', 'pull_request.unlabeled'], (context) =>
      intake(context, () => {
        const { pull_request: pr, repository, installation, label, sender } = context.payload;
        if (!isTierLabelEvent(label?.name, pr.head.ref))
          return guardRefreshFor(
            refOf(repository, installation),
            repository.full_name,
            pr,
            label?.name ?? '',
          );
        return [
          {
            kind: 'labels',
            ...refOf(repository, installation),
            pullNumber: pr.number,
            sender: { login: sender.login, type: sender.type },
          },
        ];
      }),
    );

    // An approval of a driftgate PR by a writer accepts its policy findings (driftgate/policy).
    app.on('pull_request_review.submitted', (context) =>
      intake(context, () => {
        const { review, pull_request: pr, repository, installation } = context.payload;
        if (review.state !== 'approved' || !review.user || !review.commit_id) return [];
        if (!isDriftgateBranch(pr.head.ref) || pr.head.repo?.full_name !== repository.full_name)
          return [];
        return [
          {
            kind: 'policy-review',
            ...refOf(repository, installation),
            pullNumber: pr.number,
            reviewId: review.id,
            reviewer: review.user.login,
            commitId: review.commit_id,
          },
        ];
      }),
    );

    // "Re-run" on one of driftgate's checks: validate the config again and re-scan.
    app.on('check_run.rerequested', (context) =>
      intake(context, () => {
        const { check_run: run, repository, installation } = context.payload;
        if (!run.name.startsWith('driftgate/')) return [];
        const ref = refOf(repository, installation);
        const guard = guardRerun(ref, run);
        if (guard) return guard;
        return run.name === CONFIG_CHECK
          ? [{ kind: 'config-check', ...ref, sha: run.head_sha, trigger: 'rerequested' }]
          : [{ kind: 'scan', ...ref, reason: 'rerequested' }];
      }),
    );

    // The hotfix guard: an ordinary PR opened or pushed is guarded; a drift PR re-guards the rest.
    app.on(
      [
        'pull_request.opened',
        'pull_request.reopened',
        'pull_request.synchronize',
        'pull_request.ready_for_review',
      ],
      (context) =>
        intake(context, () => {
          const { pull_request: pr, repository, installation } = context.payload;
          return guardJobsForPullRequest(refOf(repository, installation), repository.full_name, pr);
        }),
    );
    app.on('check_run.requested_action', (context) =>
      intake(context, () => {
        const {
          check_run: run,
          repository,
          installation,
          requested_action: action,
          sender,
        } = context.payload;
        return guardAction(refOf(repository, installation), run, action?.identifier, sender);
      }),
    );

    // Checks finished on a driftgate branch: a tier-1 PR driftgate merges itself may be green now.
    app.on('check_suite.completed', (context) =>
      intake(context, () => {
        const { check_suite: suite, repository, installation } = context.payload;
        if (!suite.head_branch?.startsWith('driftgate/')) return [];
        return [{ kind: 'automerge', ...refOf(repository, installation), headSha: suite.head_sha }];
      }),
    );

    // A GitHub Actions cron or an EventBridge rule can trigger a scan:
    // POST /repos/{owner}/{repo}/dispatches {"event_type": "driftgate-scan", "client_payload": {…}}
    // with "stack", "resources" (ids or addresses: only those are read), or "plan_run_id" and
    // "plan_artifact" (drift from that workflow run's plan JSON instead of an AWS scan).
    app.on('repository_dispatch', (context) =>
      intake(
        context,
        () => {
          if (context.payload.action !== 'driftgate-scan') return [];
          const ref = refOf(context.payload.repository, context.payload.installation);
          const payload = dispatchPayloadSchema.safeParse(context.payload.client_payload ?? {});
          if (!payload.success) {
            const issue = payload.error.issues[0]!;
            return [
              {
                kind: 'scan',
                ...ref,
                reason: 'dispatch',
                problem: `client_payload.${issue.path.join('.') || '(top level)'}: ${issue.message}`,
              },
            ];
          }
          const { stack, plan_run_id: runId, plan_artifact: artifact, resources } = payload.data;
          if (payload.data.pull_request !== undefined && stack && runId !== undefined && artifact)
            return [
              {
                kind: 'guard',
                ...ref,
                pullNumber: payload.data.pull_request,
                stack,
                plan: { runId, artifact },
              },
            ];
          return [
            {
              kind: 'scan',
              ...ref,
              reason: 'dispatch',
              ...(stack ? { stack } : {}),
              ...(runId !== undefined && artifact ? { plan: { runId, artifact } } : {}),
              ...(resources ? { resources } : {}),
            },
          ];
        },
        (job) =>
          job.kind === 'scan' && job.resources ? (options.targetedScanDelayMs ?? 5_000) : undefined,
      ),
    );

    // Installed on repositories, or removed from them: their schedules follow.
    app.on(['installation.created', 'installation.deleted'], (context) =>
      intake(context, () => {
        const { installation, repositories, action } = context.payload;
        const owner = (installation.account as { login?: string } | null)?.login ?? '';
        return (repositories ?? []).map((repository) => ({
          kind: 'sync-repository' as const,
          installationId: installation.id,
          owner: repository.full_name.split('/')[0] ?? owner,
          repo: repository.name,
          removed: action === 'deleted',
        }));
      }),
    );
    app.on(['installation_repositories.added', 'installation_repositories.removed'], (context) =>
      intake(context, () => {
        const { installation, repositories_added, repositories_removed } = context.payload;
        const sync = (list: { full_name?: string; name?: string }[], removed: boolean) =>
          list.flatMap(({ full_name: fullName, name }) =>
            fullName && name
              ? [
                  {
                    kind: 'sync-repository' as const,
                    installationId: installation.id,
                    owner: fullName.split('/')[0]!,
                    repo: name,
                    removed,
                  },
                ]
              : [],
          );
        return [...sync(repositories_added, false), ...sync(repositories_removed, true)];
      }),
    );

    if (options.worker)
      jobs.start(jobHandler(app, jobs, options.environment, options.now), options.worker);
  };
}

/**
 * For `probot run` and other hosts that load an app function: web and workers in one
 * process, on REDIS_URL or in single-instance mode. src/server.ts is the full server.
 */
export default function driftgate(app: Probot): void {
  // The metadata key comes from DRIFTGATE_METADATA_KEY or WEBHOOK_SECRET.
  const environment = appEnvironmentFrom(process.env);
  const jobs = createJobLayer(settingsFromEnv(process.env, app.log));
  void createDriftgate({
    jobs,
    environment,
    worker: { concurrency: workerConcurrency(process.env) },
  })(app, {
    cwd: process.cwd(),
    addHandler: () => undefined,
  });
}

export function workerConcurrency(env: NodeJS.ProcessEnv): number {
  const value = Number(env.DRIFTGATE_WORKER_CONCURRENCY ?? 4);
  if (!Number.isInteger(value) || value < 1 || value > 64)
    throw new Error(
      `DRIFTGATE_WORKER_CONCURRENCY must be a whole number from 1 to 64, not "${env.DRIFTGATE_WORKER_CONCURRENCY}"`,
    );
  return value;
}
