/**
 * The job layer: what the web side enqueues and the worker side runs, the same on both
 * transports. It owns every piece of state jobs share — de-duplication of deliveries and
 * jobs, per-repository locks, schedules, the hourly PR window, rate slots — so no module
 * of the app keeps any.
 */
import { randomUUID } from 'node:crypto';
import { Metrics } from './metrics.js';
import {
  DEDUP_OF,
  QUEUES,
  QUEUE_OF,
  jobIdOf,
  jobSchema,
  lockKeyOf,
  type Job,
  type JobInput,
  type JobKind,
  type QueueName,
  type RepositoryRef,
} from './payloads.js';
import type { AddOptions, QueueTransport, RunResult, SharedStore, TakenJob } from './transport.js';

export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** The lock on a repository, held while a job runs in it. */
export class HeldLock {
  lost = false;
  constructor(
    readonly key: string,
    /** Increases with every acquisition of this key: a stale holder has a smaller one. */
    readonly fence: number,
  ) {}

  /** Before a write that must not happen twice: fail if another worker may hold the lock now. */
  assertHeld(): void {
    if (this.lost)
      throw new Error(`the lock on ${this.key} was lost (renewal failed); stopping before writing`);
  }
}

export interface RunContext {
  attempt: number;
  maxAttempts: number;
  /** The repository's lock, for kinds that touch one repository. */
  lock: HeldLock | undefined;
  jobId: string;
}

/** A handler may put its job back for later (an execution over its hourly cap waits). */
export type JobHandler = (job: Job, run: RunContext) => Promise<void | { waitMs: number }>;

export interface JobLayerOptions {
  transport: QueueTransport;
  store: SharedStore;
  log: Logger;
  /** A repository lock lasts this long unless renewed (renewed every third of it). */
  lockTtlMs?: number;
  /** A job whose repository is busy comes back after about this long. */
  busyDelayMs?: number;
  /** The largest stable delay after a scheduled time, so repositories spread out. */
  maxJitterMs?: number;
  /** A job put back by its handler is looked at again after at most this long. */
  maxWaitMs?: number;
}

const RETRY: Record<JobKind, Pick<AddOptions, 'attempts' | 'backoffMs'>> = {
  scan: { attempts: 4, backoffMs: 5_000 },
  'scheduled-scan': { attempts: 1, backoffMs: 1_000 },
  // A retry goes through the pre-check and the driftgate/apply check run (execute-merge.ts).
  execute: { attempts: 3, backoffMs: 10_000 },
  'workflow-result': { attempts: 3, backoffMs: 5_000 },
  command: { attempts: 2, backoffMs: 5_000 },
  labels: { attempts: 2, backoffMs: 2_000 },
  'policy-review': { attempts: 2, backoffMs: 2_000 },
  automerge: { attempts: 3, backoffMs: 5_000 },
  'config-check': { attempts: 3, backoffMs: 2_000 },
  guard: { attempts: 3, backoffMs: 5_000 },
  'guard-refresh': { attempts: 2, backoffMs: 5_000 },
  // A button press is answered once: a retry could switch a PR a person switched back.
  'guard-action': { attempts: 1, backoffMs: 1_000 },
  'sync-repository': { attempts: 3, backoffMs: 5_000 },
  'reconcile-schedules': { attempts: 2, backoffMs: 60_000 },
  redeliver: { attempts: 1, backoffMs: 1_000 },
};

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

export type EnqueueResult = 'queued' | 'follow-up' | 'duplicate';

/** A stable delay in [0, maxMs) for a repository, so repositories spread over the window. */
export { jitterFor } from './jitter.js';
import { jitterFor } from './jitter.js';

export class JobLayer {
  readonly metrics: Metrics;
  readonly mode: 'redis' | 'memory';
  private readonly transport: QueueTransport;
  private readonly store: SharedStore;
  private readonly log: Logger;
  private readonly lockTtlMs: number;
  private readonly busyDelayMs: number;
  readonly maxJitterMs: number;
  private readonly maxWaitMs: number;
  /** Jobs that failed for good since the last `settled()`: tests and logs see them. */
  private failures: string[] = [];
  private working = false;

  constructor(options: JobLayerOptions) {
    this.transport = options.transport;
    this.store = options.store;
    this.log = options.log;
    this.mode = options.transport.mode;
    this.lockTtlMs = options.lockTtlMs ?? 30_000;
    this.busyDelayMs = options.busyDelayMs ?? 2_000;
    this.maxJitterMs = options.maxJitterMs ?? 10 * 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
    this.metrics = new Metrics(this.transport);
  }

  /** Mark a webhook delivery as taken; false when another instance (or a retry) took it. */
  acceptDelivery(deliveryId: string): Promise<boolean> {
    return this.store.setIfAbsent(`delivery:${deliveryId}`, DAY_MS);
  }

  /** Enqueueing failed after the delivery was marked: let GitHub's redelivery through. */
  forgetDelivery(deliveryId: string): Promise<void> {
    return this.store.delete(`delivery:${deliveryId}`);
  }

  /** A key set once across all instances for `ttlMs`: true for the caller that set it. */
  claimOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(`once:${key}`, ttlMs);
  }

  /** Enqueue a job under its natural key, with the de-duplication its kind asks for. */
  async enqueue(input: JobInput, options: { delayMs?: number } = {}): Promise<EnqueueResult> {
    const job = jobSchema.parse(input);
    const queue = QUEUE_OF[job.kind];
    const id = jobIdOf(job);
    const add = (jobId: string) =>
      this.transport.add(queue, jobId, job, {
        ...RETRY[job.kind],
        delayMs: options.delayMs,
        keepCompletedMs: DEDUP_OF[job.kind] === 'once' ? DAY_MS : 0,
      });
    if (DEDUP_OF[job.kind] === 'once') {
      if ((await this.transport.state(queue, id)) === 'failed')
        await this.transport.removeFinished(queue, id);
      return (await add(id)) ? 'queued' : 'duplicate';
    }
    // coalesce: one pending job absorbs triggers; during a run, exactly one follow-up.
    const next = `${id}|next`;
    const [primary, followUp] = await Promise.all([
      this.transport.state(queue, id),
      this.transport.state(queue, next),
    ]);
    const pending = (state: string | undefined) => state === 'waiting' || state === 'delayed';
    if (pending(primary) || pending(followUp)) {
      // An immediate trigger does not wait out a pending job's jitter delay.
      if (!options.delayMs)
        await this.transport.promote(queue, pending(primary) ? id : next).catch(() => undefined);
      return 'duplicate';
    }
    for (const candidate of [id, next]) {
      const state = candidate === id ? primary : followUp;
      if (state === 'active') continue;
      if (state === 'completed' || state === 'failed')
        await this.transport.removeFinished(queue, candidate);
      if (await add(candidate))
        return primary === 'active' || followUp === 'active' ? 'follow-up' : 'queued';
    }
    return 'duplicate';
  }

  /** Start taking jobs from `queues` (default all), `concurrency` at a time per queue. */
  start(
    handler: JobHandler,
    options: { concurrency: number; queues?: readonly QueueName[] },
  ): void {
    this.working = true;
    for (const queue of options.queues ?? QUEUES)
      this.transport.work(queue, options.concurrency, (taken) => this.run(taken, handler));
  }

  private async run(taken: TakenJob, handler: JobHandler): Promise<RunResult> {
    const parsed = jobSchema.safeParse(taken.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      // Not retried: the same payload would fail the same way.
      this.log.error(
        { queue: taken.queue, job: taken.id, path: issue.path.join('.'), problem: issue.message },
        'refused a job with an invalid payload',
      );
      this.metrics.jobsFinished.inc({ queue: taken.queue, kind: 'invalid', result: 'failed' });
      this.failures.push(
        `${taken.id}: invalid payload at ${issue.path.join('.')}: ${issue.message}`,
      );
      return { kind: 'done' };
    }
    const job = parsed.data;
    const lockKey = lockKeyOf(job);
    let lock: HeldLock | undefined;
    let renewal: NodeJS.Timeout | undefined;
    const token = randomUUID();
    if (lockKey) {
      const fence = await this.store.acquire(`lock:${lockKey}`, token, this.lockTtlMs);
      if (fence === undefined) {
        this.metrics.lockWaits.inc({ queue: taken.queue });
        this.metrics.jobsFinished.inc({ queue: taken.queue, kind: job.kind, result: 'delayed' });
        // Spread retries so two waiting jobs do not collide again and again.
        return {
          kind: 'delay',
          ms: this.busyDelayMs + Math.floor(Math.random() * this.busyDelayMs),
        };
      }
      lock = new HeldLock(lockKey, fence);
      const held = lock;
      renewal = setInterval(
        () => {
          this.store
            .renew(`lock:${lockKey}`, token, this.lockTtlMs)
            .then((ok) => {
              if (!ok) held.lost = true;
            })
            .catch(() => undefined);
        },
        Math.max(100, Math.floor(this.lockTtlMs / 3)),
      );
      renewal.unref();
    }
    const stopTimer = this.metrics.jobDuration.startTimer({ queue: taken.queue, kind: job.kind });
    try {
      const result = await handler(job, {
        attempt: taken.attempt,
        maxAttempts: taken.maxAttempts,
        lock,
        jobId: taken.id,
      });
      if (result) {
        this.metrics.jobsFinished.inc({ queue: taken.queue, kind: job.kind, result: 'delayed' });
        // Looked at again at least every maxWaitMs: a cap raised meanwhile is seen soon.
        return { kind: 'delay', ms: Math.max(1, Math.min(result.waitMs, this.maxWaitMs)) };
      }
      this.metrics.jobsFinished.inc({ queue: taken.queue, kind: job.kind, result: 'completed' });
      return { kind: 'done' };
    } catch (error) {
      const last = taken.attempt >= taken.maxAttempts;
      const message = (error as Error).message;
      this.log.error(
        { queue: taken.queue, job: taken.id, attempt: taken.attempt, error: message },
        last ? 'job failed' : 'job failed; it will be retried',
      );
      this.metrics.jobsFinished.inc({
        queue: taken.queue,
        kind: job.kind,
        result: last ? 'failed' : 'retried',
      });
      if (last) this.failures.push(`${taken.id}: ${message}`);
      throw error;
    } finally {
      stopTimer();
      if (renewal) clearInterval(renewal);
      if (lockKey) await this.store.release(`lock:${lockKey}`, token).catch(() => undefined);
    }
  }

  // --- schedules ---------------------------------------------------------------------------

  private scheduleId(owner: string, repo: string): string {
    return `repository|${`${owner}/${repo}`.toLowerCase()}`;
  }

  /** One scheduler per repository, from its config's cron (UTC); a changed cron replaces it. */
  async upsertRepositorySchedule(ref: RepositoryRef, cron: string): Promise<void> {
    const { installationId, owner, repo, defaultBranch } = ref;
    await this.transport.upsertSchedule('schedule', this.scheduleId(owner, repo), cron, {
      kind: 'scheduled-scan',
      installationId,
      owner,
      repo,
      defaultBranch,
    });
  }

  removeRepositorySchedule(owner: string, repo: string): Promise<boolean> {
    return this.transport.removeSchedule('schedule', this.scheduleId(owner, repo));
  }

  async repositorySchedules(): Promise<
    { repository: string; pattern: string; next: number | undefined; ref: RepositoryRef }[]
  > {
    return (await this.transport.schedules('schedule'))
      .filter((entry) => entry.id.startsWith('repository|'))
      .map((entry) => {
        const ref = entry.data as RepositoryRef;
        return {
          repository: entry.id.slice('repository|'.length),
          pattern: entry.pattern,
          next: entry.next,
          ref,
        };
      });
  }

  /** The slow repair of schedules, and the redelivery of failed webhook deliveries. */
  async ensureMaintenanceSchedules(options: { redeliverCron?: string } = {}): Promise<void> {
    await this.transport.upsertSchedule('maintenance', 'reconcile-schedules', '17 3 * * *', {
      kind: 'reconcile-schedules',
    });
    await this.transport.upsertSchedule(
      'maintenance',
      'redeliver',
      options.redeliverCron ?? '*/10 * * * *',
      { kind: 'redeliver' },
    );
  }

  /** The scheduled time came: scan, after the repository's stable share of the window. */
  scheduledScan(ref: RepositoryRef): Promise<EnqueueResult> {
    const { installationId, owner, repo, defaultBranch } = ref;
    return this.enqueue(
      { kind: 'scan', installationId, owner, repo, defaultBranch, reason: 'schedule' },
      { delayMs: jitterFor(`${ref.owner}/${ref.repo}`, this.maxJitterMs) },
    );
  }

  // --- shared limits -------------------------------------------------------------------------

  /** Take one PR from the hourly cap of `key` (a sliding window over the last hour). */
  takePullRequestSlot(key: string, perHour: number, now: Date): Promise<boolean> {
    return this.store.takeFromWindow(`prs:${key}`, perHour, HOUR_MS, now.getTime());
  }

  /**
   * Take one execution from the hourly caps of `windows` (e.g. the stack and the
   * installation): from all or none, so a waiting execution never uses up a slot.
   */
  takeExecutionSlot(
    windows: readonly { key: string; limit: number }[],
    now: Date,
  ): Promise<{ taken: true } | { taken: false; retryInMs: number }> {
    return this.store.takeFromWindows(
      windows.map((window) => ({ key: `executions:${window.key}`, limit: window.limit })),
      HOUR_MS,
      now.getTime(),
    );
  }

  /** Remember an event (an executed revert of one drift) for `windowMs`, shared by every instance. */
  async recordEvent(key: string, windowMs: number, now: Date): Promise<void> {
    await this.store.takeFromWindows(
      [{ key: `events:${key}`, limit: Number.MAX_SAFE_INTEGER }],
      windowMs,
      now.getTime(),
    );
  }

  /** The times of the events of `key` in the last `windowMs`, oldest first. */
  eventTimes(key: string, windowMs: number, now: Date): Promise<number[]> {
    return this.store.windowTimes(`events:${key}`, windowMs, now.getTime());
  }

  /** Wait for this process's turn on a limiter shared by all instances (`perSecond` calls). */
  async waitForSlot(limiter: string, key: string, perSecond: number): Promise<void> {
    const wait = await this.store.reserveSlot(
      `rate:${limiter}:${key}`,
      Math.ceil(1000 / perSecond),
      Date.now(),
    );
    if (wait <= 0) return;
    this.metrics.rateLimitWaits.inc({ limiter });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** Redis reachable (always true in single-instance mode). */
  ready(): Promise<boolean> {
    return this.store.ping();
  }

  get isWorking(): boolean {
    return this.working;
  }

  /**
   * Resolves once no job is waiting, delayed or running (schedules aside); rejects naming the
   * jobs that failed for good meanwhile. For tests and benchmarks.
   */
  async settled(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() > deadline) throw new Error('jobs did not settle in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Schedules and maintenance always have their next run delayed: only work in hand counts.
      const counts = await Promise.all(
        QUEUES.map(async (queue) => ({ queue, count: await this.transport.counts(queue) })),
      );
      const busy = counts.some(
        ({ queue, count }) =>
          count.waiting +
            count.active +
            (queue === 'schedule' || queue === 'maintenance' ? 0 : count.delayed) >
          0,
      );
      quiet = busy ? 0 : quiet + 1;
    }
    const failures = this.failures;
    this.failures = [];
    if (failures.length) throw new Error(`jobs failed:\n${failures.join('\n')}`);
  }

  /** SIGTERM: stop taking jobs and finish (or, past BullMQ's lock, release) the ones in hand. */
  async stop(): Promise<void> {
    this.working = false;
    await this.transport.stopWorking();
  }

  async close(): Promise<void> {
    await this.transport.close();
    await this.store.close();
  }
}
