/**
 * Every job driftgate runs, as small typed payloads (validated with zod when a worker takes
 * them: a job written by an older or newer version, or by hand into Redis, is refused with
 * a clear message rather than half-run). Handlers get these, never Probot contexts.
 */
import { z } from 'zod';

const repository = {
  /** The installation whose token the worker uses; absent only in tests without one. */
  installationId: z.number().int().positive().optional(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  defaultBranch: z.string().min(1),
};

const actor = z.object({ login: z.string().min(1), type: z.string().min(1) });

export const scanJobSchema = z.object({
  kind: z.literal('scan'),
  ...repository,
  stack: z.string().min(1).optional(),
  plan: z.object({ runId: z.number().int().positive(), artifact: z.string().min(1) }).optional(),
  /** Only these resources (ids or addresses): an event-driven, targeted rescan. */
  resources: z.array(z.string().min(1).max(256)).min(1).max(100).optional(),
  /** The trigger was refused (a bad client_payload): report this on the scan check, scan nothing. */
  problem: z.string().max(1000).optional(),
  /** Why: "dispatch", "push", "schedule", "rerequested", "precheck-failed" … (logs, metrics). */
  reason: z.string().min(1),
});

export const scheduledScanJobSchema = z.object({
  kind: z.literal('scheduled-scan'),
  ...repository,
});

export const executeJobSchema = z.object({
  kind: z.literal('execute'),
  ...repository,
  pullNumber: z.number().int().positive(),
  mergeSha: z.string().regex(/^[0-9a-f]{7,64}$/),
});

export const workflowResultJobSchema = z.object({
  kind: z.literal('workflow-result'),
  ...repository,
  run: z.object({
    id: z.number().int().positive(),
    title: z.string(),
    headRepository: z.string().nullable(),
    headBranch: z.string().nullable(),
    path: z.string(),
    conclusion: z.string().nullable(),
    runNumber: z.number().int(),
    htmlUrl: z.string(),
    updatedAt: z.string(),
    startedAt: z.string(),
  }),
});

export const commandJobSchema = z.object({
  kind: z.literal('command'),
  ...repository,
  commentId: z.number().int().positive(),
  issueNumber: z.number().int().positive(),
  isPullRequest: z.boolean(),
  body: z.string().max(65_536),
  sender: actor,
});

export const labelsJobSchema = z.object({
  kind: z.literal('labels'),
  ...repository,
  pullNumber: z.number().int().positive(),
  sender: actor,
});

/** An approving review on a driftgate PR: it may accept the head's policy findings. */
export const policyReviewJobSchema = z.object({
  kind: z.literal('policy-review'),
  ...repository,
  pullNumber: z.number().int().positive(),
  reviewId: z.number().int().positive(),
  reviewer: z.string().min(1),
  commitId: z.string().regex(/^[0-9a-f]{7,64}$/),
});

export const automergeJobSchema = z.object({
  kind: z.literal('automerge'),
  ...repository,
  headSha: z.string().min(7),
});

export const configCheckJobSchema = z.object({
  kind: z.literal('config-check'),
  ...repository,
  sha: z.string().min(7),
  /** push: rescan when the config or a stack changed; rerequested: always rescan when valid. */
  trigger: z.enum(['push', 'rerequested']),
  changedPaths: z.array(z.string()).max(3000).default([]),
});

/** Installation and repository bookkeeping: schedules, redelivery. */
export const syncRepositoryJobSchema = z.object({
  kind: z.literal('sync-repository'),
  installationId: z.number().int().positive(),
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** The app lost access: remove the schedule. */
  removed: z.boolean().default(false),
});
/** The hotfix guard of one ordinary PR (src/app/guard.ts); with the PR's plan for a plan-fed stack. */
export const guardJobSchema = z.object({
  kind: z.literal('guard'),
  ...repository,
  pullNumber: z.number().int().positive(),
  stack: z.string().min(1).optional(),
  plan: z.object({ runId: z.number().int().positive(), artifact: z.string().min(1) }).optional(),
});
/** A drift PR changed: evaluate every open ordinary PR's guard again. */
export const guardRefreshJobSchema = z.object({ kind: z.literal('guard-refresh'), ...repository });
/** A button on a guard check run was pressed (check_run.requested_action). */
export const guardActionJobSchema = z.object({
  kind: z.literal('guard-action'),
  ...repository,
  checkRunId: z.number().int().positive(),
  identifier: z.string().min(1).max(20),
  guardedPullNumber: z.number().int().positive().optional(),
  sender: actor,
});

export const reconcileSchedulesJobSchema = z.object({ kind: z.literal('reconcile-schedules') });
export const redeliverJobSchema = z.object({ kind: z.literal('redeliver') });

export const jobSchema = z.discriminatedUnion('kind', [
  scanJobSchema,
  scheduledScanJobSchema,
  executeJobSchema,
  workflowResultJobSchema,
  commandJobSchema,
  labelsJobSchema,
  policyReviewJobSchema,
  automergeJobSchema,
  configCheckJobSchema,
  guardJobSchema,
  guardRefreshJobSchema,
  guardActionJobSchema,
  syncRepositoryJobSchema,
  reconcileSchedulesJobSchema,
  redeliverJobSchema,
]);

export type Job = z.infer<typeof jobSchema>;
export type JobInput = z.input<typeof jobSchema>;
export type JobKind = Job['kind'];
export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;
export type ScanJob = JobOf<'scan'>;
export type ExecuteJob = JobOf<'execute'>;
export type CommandJob = JobOf<'command'>;
export type LabelsJob = JobOf<'labels'>;
export type PolicyReviewJob = JobOf<'policy-review'>;
export type AutomergeJob = JobOf<'automerge'>;
export type ConfigCheckJob = JobOf<'config-check'>;
export type WorkflowResultJob = JobOf<'workflow-result'>;
export type SyncRepositoryJob = JobOf<'sync-repository'>;
export type GuardJob = JobOf<'guard'>;
export type GuardRefreshJob = JobOf<'guard-refresh'>;
export type GuardActionJob = JobOf<'guard-action'>;
export type RepositoryRef = Pick<ScanJob, 'installationId' | 'owner' | 'repo' | 'defaultBranch'>;

export const QUEUES = [
  'scan',
  'execute',
  'command',
  'automerge',
  'config-check',
  'schedule',
  'maintenance',
] as const;
export type QueueName = (typeof QUEUES)[number];

/** The queue of each kind: kinds that scale and fail alike share a queue. */
export const QUEUE_OF: Record<JobKind, QueueName> = {
  scan: 'scan',
  'scheduled-scan': 'schedule',
  execute: 'execute',
  'workflow-result': 'execute',
  command: 'command',
  labels: 'command',
  'policy-review': 'command',
  automerge: 'automerge',
  'config-check': 'config-check',
  guard: 'scan',
  'guard-refresh': 'command',
  'guard-action': 'command',
  'sync-repository': 'maintenance',
  'reconcile-schedules': 'maintenance',
  redeliver: 'maintenance',
};

/**
 * How a second job with the same natural key is treated.
 * - coalesce: while one is waiting it absorbs the new trigger; while one runs, exactly one
 *   follow-up is queued (the trigger may carry news the running job has not seen).
 * - once: the key is done once (kept 24 h): a redelivered command or merge is not redone.
 */
export type Dedup = 'coalesce' | 'once';

export const DEDUP_OF: Record<JobKind, Dedup> = {
  scan: 'coalesce',
  'scheduled-scan': 'coalesce',
  execute: 'once',
  'workflow-result': 'once',
  command: 'once',
  labels: 'coalesce',
  'policy-review': 'once',
  automerge: 'coalesce',
  'config-check': 'coalesce',
  guard: 'coalesce',
  'guard-refresh': 'coalesce',
  'guard-action': 'coalesce',
  'sync-repository': 'coalesce',
  'reconcile-schedules': 'coalesce',
  redeliver: 'coalesce',
};

/** Kinds that touch one repository and so run under its lock. */
export function lockKeyOf(job: Job): string | undefined {
  return 'owner' in job && job.kind !== 'scheduled-scan' && job.kind !== 'sync-repository'
    ? `${job.owner}/${job.repo}`.toLowerCase()
    : undefined;
}

/** Ids may not contain ":" (BullMQ's key separator); "|" separates the parts. */
function key(...parts: (string | number | undefined)[]): string {
  return parts.map((part) => String(part ?? '*').replace(/[:|]/g, '_')).join('|');
}

/** The natural key of a job: the same work always has the same id. */
export function jobIdOf(job: Job): string {
  switch (job.kind) {
    case 'scan':
      return key(
        'scan',
        `${job.owner}/${job.repo}`.toLowerCase(),
        job.stack,
        job.plan ? `plan-${job.plan.runId}-${job.plan.artifact}` : undefined,
        job.resources ? [...job.resources].sort().join(',') : undefined,
      );
    case 'scheduled-scan':
      return key('scheduled-scan', `${job.owner}/${job.repo}`.toLowerCase());
    case 'execute':
      return key('execute', `${job.owner}/${job.repo}`.toLowerCase(), job.pullNumber, job.mergeSha);
    case 'workflow-result':
      return key(
        'workflow-result',
        `${job.owner}/${job.repo}`.toLowerCase(),
        job.run.id,
        job.run.conclusion ?? 'none',
      );
    case 'command':
      return key('command', `${job.owner}/${job.repo}`.toLowerCase(), job.commentId);
    case 'labels':
      return key('labels', `${job.owner}/${job.repo}`.toLowerCase(), job.pullNumber);
    case 'policy-review':
      return key('policy-review', `${job.owner}/${job.repo}`.toLowerCase(), job.reviewId);
    case 'automerge':
      return key('automerge', `${job.owner}/${job.repo}`.toLowerCase(), job.headSha);
    case 'config-check':
      return key('config-check', `${job.owner}/${job.repo}`.toLowerCase(), job.sha);
    case 'guard':
      return key(
        'guard',
        `${job.owner}/${job.repo}`.toLowerCase(),
        job.pullNumber,
        job.plan ? `plan-${job.stack}-${job.plan.runId}-${job.plan.artifact}` : undefined,
      );
    case 'guard-refresh':
      return key('guard-refresh', `${job.owner}/${job.repo}`.toLowerCase());
    case 'guard-action':
      return key(
        'guard-action',
        `${job.owner}/${job.repo}`.toLowerCase(),
        job.checkRunId,
        job.identifier,
      );
    case 'sync-repository':
      return key('sync-repository', `${job.owner}/${job.repo}`.toLowerCase());
    case 'reconcile-schedules':
      return 'reconcile-schedules';
    case 'redeliver':
      return 'redeliver';
  }
}
