/**
 * Schedules live in the job layer (BullMQ job schedulers in Redis): one per repository,
 * from its config's cron, kept in line by events — a config pushed (config-check job), the
 * app installed on repositories or removed from them (sync-repository jobs) — and repaired
 * by a slow daily reconcile. No process lists every installation every few minutes.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Probot } from 'probot';
import type { JobLayer } from '../jobs/job-layer.js';
import type { SyncRepositoryJob } from '../jobs/payloads.js';
import { readRepositoryConfig } from './config-check.js';

/** The first scheduled time strictly after `after` (UTC). */
export function nextScheduledAfter(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
}

export type SyncOutcome = { kind: 'scheduled'; defaultBranch: string } | { kind: 'unscheduled' };

/** Read one repository's config and upsert or remove its schedule to match. */
export async function syncRepositorySchedule(
  app: Probot,
  jobs: JobLayer,
  job: SyncRepositoryJob,
): Promise<SyncOutcome> {
  if (job.removed) {
    await jobs.removeRepositorySchedule(job.owner, job.repo);
    return { kind: 'unscheduled' };
  }
  const octokit = await app.auth(job.installationId);
  const { data: repository } = await octokit.rest.repos.get({ owner: job.owner, repo: job.repo });
  const outcome =
    repository.archived || repository.disabled
      ? ({ kind: 'absent' } as const)
      : await readRepositoryConfig({ octokit }, job.owner, job.repo, repository.default_branch);
  if (outcome.kind !== 'valid') {
    await jobs.removeRepositorySchedule(job.owner, job.repo);
    return { kind: 'unscheduled' };
  }
  await jobs.upsertRepositorySchedule(
    {
      installationId: job.installationId,
      owner: job.owner,
      repo: job.repo,
      defaultBranch: repository.default_branch,
    },
    outcome.config.schedule,
  );
  return { kind: 'scheduled', defaultBranch: repository.default_branch };
}

/**
 * The daily repair: every repository the app can see gets a sync job; a schedule for a
 * repository it can no longer see is removed.
 */
export async function reconcileSchedules(
  app: Probot,
  jobs: JobLayer,
): Promise<{ synced: number; removed: number }> {
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
    per_page: 100,
  });
  const seen = new Set<string>();
  let synced = 0;
  for (const installation of installations) {
    if (installation.suspended_at) continue;
    const octokit = await app.auth(installation.id);
    const repositories = await octokit.paginate(
      octokit.rest.apps.listReposAccessibleToInstallation,
      { per_page: 100 },
    );
    for (const repository of repositories) {
      seen.add(repository.full_name.toLowerCase());
      await jobs.enqueue({
        kind: 'sync-repository',
        installationId: installation.id,
        owner: repository.owner.login,
        repo: repository.name,
      });
      synced++;
    }
  }
  let removed = 0;
  for (const schedule of await jobs.repositorySchedules()) {
    if (seen.has(schedule.repository)) continue;
    await jobs.removeRepositorySchedule(schedule.ref.owner, schedule.ref.repo);
    removed++;
  }
  return { synced, removed };
}
