/**
 * The in-process schedule. Every few minutes, look at each repository the app is installed
 * on; when its config's cron schedule (default every 6 hours) has come round since its
 * last scan — plus a stable per-repository delay, so a thousand repositories do not all
 * scan at :00 — scan it. Scans queue per repository with every other trigger, so a
 * scheduled scan never races a `/driftgate rescan`.
 *
 * The last-scan times live in memory: after a restart the next scan is the next scheduled
 * time after start, never a burst of catch-up scans.
 */
import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import type { Probot } from 'probot';
import { readRepositoryConfig } from './config-check.js';
import { scanRepository } from './scan-repository.js';
import type { AppEnvironment } from './environment.js';

/** The first scheduled time strictly after `after` (UTC). */
export function nextScheduledAfter(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
}

/** A stable delay in [0, maxMs) for a repository, so repositories spread over the window. */
export function jitterFor(repository: string, maxMs: number): number {
  if (maxMs <= 0) return 0;
  return createHash('sha256').update(repository).digest().readUInt32BE(0) % maxMs;
}

/** Is a scan due: has a scheduled time (plus jitter) passed since the last scan? */
export function isScanDue(schedule: string, lastScan: Date, now: Date, jitterMs: number): boolean {
  return nextScheduledAfter(schedule, lastScan).getTime() + jitterMs <= now.getTime();
}

export interface SchedulerOptions {
  /** How often to look for due repositories. */
  tickMs?: number;
  /** The largest per-repository delay after a scheduled time. */
  maxJitterMs?: number;
  /** How long a repository's schedule is trusted before its config is read again. */
  configTtlMs?: number;
  now?: () => Date;
}

interface KnownRepository {
  /** undefined: no valid config, so not scheduled. */
  schedule: string | undefined;
  readAt: number;
}

export interface TickResult {
  scanned: string[];
  /** Repositories with a valid config whose scan was not yet due. */
  waiting: string[];
}

export class Scheduler {
  private readonly lastScan = new Map<string, Date>();
  private readonly known = new Map<string, KnownRepository>();
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private readonly maxJitterMs: number;
  private readonly configTtlMs: number;
  private readonly now: () => Date;
  private ticking: Promise<TickResult> | undefined;

  constructor(
    private readonly app: Probot,
    private readonly environment: AppEnvironment,
    options: SchedulerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 5 * 60_000;
    this.maxJitterMs = options.maxJitterMs ?? 10 * 60_000;
    this.configTtlMs = options.configTtlMs ?? 60 * 60_000;
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now();
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.tick().catch((error: unknown) =>
        this.app.log.error({ error: (error as Error).message }, 'scheduled scan tick failed'),
      );
    }, this.tickMs);
    // The schedule alone never keeps the process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A config changed (push to the default branch): read it again on the next tick. */
  forget(fullName: string): void {
    this.known.delete(fullName);
  }

  /** One pass over every installed repository. A tick still running is not started twice. */
  tick(): Promise<TickResult> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async pass(): Promise<TickResult> {
    const result: TickResult = { scanned: [], waiting: [] };
    const appOctokit = await this.app.auth();
    const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
      per_page: 100,
    });
    for (const installation of installations) {
      if (installation.suspended_at) continue;
      const octokit = await this.app.auth(installation.id);
      const repositories = await octokit.paginate(
        octokit.rest.apps.listReposAccessibleToInstallation,
        { per_page: 100 },
      );
      for (const repository of repositories) {
        if (repository.archived || repository.disabled) continue;
        const key = repository.full_name;
        const owner = repository.owner.login;
        let known = this.known.get(key);
        if (!known || this.now().getTime() - known.readAt >= this.configTtlMs) {
          const outcome = await readRepositoryConfig(
            { octokit },
            owner,
            repository.name,
            repository.default_branch,
          );
          known = {
            schedule: outcome.kind === 'valid' ? outcome.config.schedule : undefined,
            readAt: this.now().getTime(),
          };
          this.known.set(key, known);
        }
        if (!known.schedule) continue;
        const now = this.now();
        const due = isScanDue(
          known.schedule,
          this.lastScan.get(key) ?? this.startedAt,
          now,
          jitterFor(key, this.maxJitterMs),
        );
        if (!due) {
          result.waiting.push(key);
          continue;
        }
        this.lastScan.set(key, now);
        try {
          await scanRepository({ octokit, log: this.app.log }, this.environment, {
            owner,
            repo: repository.name,
            defaultBranch: repository.default_branch,
            installationId: installation.id,
            now,
          });
          result.scanned.push(key);
        } catch (error) {
          // One repository's failure must not starve the others.
          this.app.log.error(
            { repository: key, error: (error as Error).message },
            'scheduled scan failed',
          );
        }
      }
    }
    return result;
  }
}
