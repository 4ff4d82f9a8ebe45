/**
 * BullMQ on Redis: durable queues and schedules shared by every instance, and the shared
 * store (Lua scripts where read-then-write must be one step). A worker that dies holding a
 * job loses BullMQ's job lock after `lockDurationMs`; the stalled-job check puts the job
 * back for another worker.
 */
import { DelayedError, Queue, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { QueueName } from './payloads.js';
import type {
  AddOptions,
  JobState,
  Processor,
  QueueTransport,
  ScheduleEntry,
  SharedStore,
} from './transport.js';

export interface RedisTransportOptions {
  url: string;
  /** Namespaces every key (BullMQ's prefix and the store's): one Redis, many deployments or tests. */
  prefix: string;
  /** How long a worker's hold on a job lasts without renewal (kill -9 → retaken after this). */
  lockDurationMs: number;
}

export function redisConnection(url: string): Redis {
  // BullMQ's blocking commands need maxRetriesPerRequest: null.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

const STATE: Record<string, JobState | undefined> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

export class RedisTransport implements QueueTransport {
  readonly mode = 'redis' as const;
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly options: RedisTransportOptions) {
    this.connection = redisConnection(options.url);
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add(queue: QueueName, id: string, data: unknown, options: AddOptions): Promise<boolean> {
    const target = this.queue(queue);
    if (await target.getJob(id)) return false;
    await target.add(queue, data, {
      jobId: id,
      delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete:
        options.keepCompletedMs > 0 ? { age: Math.ceil(options.keepCompletedMs / 1000) } : true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return true;
  }

  async state(queue: QueueName, id: string): Promise<JobState | undefined> {
    return STATE[await this.queue(queue).getJobState(id)];
  }

  async promote(queue: QueueName, id: string): Promise<void> {
    const job = await this.queue(queue).getJob(id);
    if (job && (await job.isDelayed())) await job.promote();
  }

  async removeFinished(queue: QueueName, id: string): Promise<void> {
    const job = await this.queue(queue).getJob(id);
    if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
  }

  async counts(queue: QueueName): Promise<Record<JobState, number>> {
    const counts = await this.queue(queue).getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      delayed: counts.delayed ?? 0,
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  work(queue: QueueName, concurrency: number, processor: Processor): void {
    const worker = new Worker(
      queue,
      async (job: BullJob, token?: string) => {
        const result = await processor({
          queue,
          id: job.id!,
          data: job.data,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
        });
        if (result.kind === 'delay') {
          // Put back for later without spending an attempt (the repository was busy).
          await job.moveToDelayed(Date.now() + result.ms, token);
          throw new DelayedError();
        }
      },
      {
        connection: redisConnection(this.options.url),
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: Math.max(500, Math.floor(this.options.lockDurationMs / 2)),
        maxStalledCount: 2,
      },
    );
    // Errors are reported by the job layer; the worker's own event would only repeat them.
    worker.on('error', () => undefined);
    this.workers.push(worker);
  }

  async stopWorking(): Promise<void> {
    // close() stops taking jobs and waits for the ones in hand.
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  async upsertSchedule(
    queue: QueueName,
    id: string,
    pattern: string,
    data: unknown,
  ): Promise<void> {
    await this.queue(queue).upsertJobScheduler(
      id,
      { pattern, tz: 'UTC' },
      { name: queue, data, opts: { removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } },
    );
  }

  async removeSchedule(queue: QueueName, id: string): Promise<boolean> {
    return this.queue(queue).removeJobScheduler(id);
  }

  async schedules(queue: QueueName): Promise<ScheduleEntry[]> {
    const list = await this.queue(queue).getJobSchedulers(0, -1, true);
    return list.map((entry) => ({
      id: entry.key,
      pattern: entry.pattern ?? '',
      next: entry.next,
      data: entry.template?.data,
    }));
  }

  async close(): Promise<void> {
    await this.stopWorking();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.connection.quit().catch(() => undefined);
  }
}

// Lock renewal and release only by the token's owner; take-from-window and slot reservation
// read and write in one step, so two instances never both take the last slot.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const ACQUIRE = `if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('incr', KEYS[2]) else return 0 end`;
const TAKE = `
redis.call('zremrangebyscore', KEYS[1], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]))
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('zadd', KEYS[1], ARGV[3], ARGV[4])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;
/** All windows or none: KEYS are the windows, ARGV limits…, windowMs, now, member. */
const TAKE_ALL = `
local n = #KEYS
local windowMs = tonumber(ARGV[n + 1])
local now = tonumber(ARGV[n + 2])
local wait = -1
for i = 1, n do
  redis.call('zremrangebyscore', KEYS[i], '-inf', now - windowMs)
  if redis.call('zcard', KEYS[i]) >= tonumber(ARGV[i]) then
    local oldest = redis.call('zrange', KEYS[i], 0, 0, 'WITHSCORES')
    local free = tonumber(oldest[2]) + windowMs - now
    if free > wait then wait = free end
  end
end
if wait >= 0 then return wait end
for i = 1, n do
  redis.call('zadd', KEYS[i], now, ARGV[n + 3])
  redis.call('pexpire', KEYS[i], windowMs)
end
return -1`;
const RESERVE = `
local slot = tonumber(redis.call('get', KEYS[1]) or '0')
local now = tonumber(ARGV[2])
if slot < now then slot = now end
redis.call('set', KEYS[1], slot + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) * 10 + 60000)
return slot - now`;

export class RedisStore implements SharedStore {
  private readonly redis: Redis;
  private sequence = 0;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(key), '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async acquire(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    const fence = Number(
      await this.redis.eval(ACQUIRE, 2, this.key(key), this.key(`${key}:fence`), token, ttlMs),
    );
    return fence > 0 ? fence : undefined;
  }

  async renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, this.key(key), token, ttlMs)) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(key), token);
  }

  async takeFromWindow(
    key: string,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<boolean> {
    const member = `${nowMs}-${process.pid}-${++this.sequence}-${Math.random()}`;
    return (
      Number(await this.redis.eval(TAKE, 1, this.key(key), limit, windowMs, nowMs, member)) === 1
    );
  }

  async takeFromWindows(
    windows: readonly { key: string; limit: number }[],
    windowMs: number,
    nowMs: number,
  ): Promise<{ taken: true } | { taken: false; retryInMs: number }> {
    const member = `${nowMs}-${process.pid}-${++this.sequence}-${Math.random()}`;
    const wait = Number(
      await this.redis.eval(
        TAKE_ALL,
        windows.length,
        ...windows.map((window) => this.key(window.key)),
        ...windows.map((window) => window.limit),
        windowMs,
        nowMs,
        member,
      ),
    );
    return wait < 0 ? { taken: true } : { taken: false, retryInMs: Math.max(1, wait) };
  }

  async windowTimes(key: string, windowMs: number, nowMs: number): Promise<number[]> {
    const entries = await this.redis.zrangebyscore(
      this.key(key),
      nowMs - windowMs + 1,
      '+inf',
      'WITHSCORES',
    );
    return entries.filter((_, index) => index % 2 === 1).map(Number);
  }

  async reserveSlot(key: string, intervalMs: number, nowMs: number): Promise<number> {
    return Number(await this.redis.eval(RESERVE, 1, this.key(key), intervalMs, nowMs));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
