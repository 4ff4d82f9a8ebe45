/**
 * One process, no Redis: the same queue and store ports in memory. Jobs and schedules live
 * as long as the process does, which is what single-instance mode promises and no more
 * (docs/deploy.md says when to add Redis).
 */
import { CronExpressionParser } from 'cron-parser';
import type { QueueName } from './payloads.js';
import type {
  AddOptions,
  JobState,
  Processor,
  QueueTransport,
  ScheduleEntry,
  SharedStore,
} from './transport.js';

interface Entry {
  id: string;
  data: unknown;
  state: JobState;
  attempt: number;
  options: AddOptions;
  timer?: NodeJS.Timeout | undefined;
}

interface Schedule extends ScheduleEntry {
  timer: NodeJS.Timeout | undefined;
}

const EMPTY_COUNTS = (): Record<JobState, number> => ({
  waiting: 0,
  delayed: 0,
  active: 0,
  completed: 0,
  failed: 0,
});

export class MemoryTransport implements QueueTransport {
  readonly mode = 'memory' as const;
  private readonly queues = new Map<QueueName, Map<string, Entry>>();
  private readonly workers = new Map<QueueName, { concurrency: number; processor: Processor }>();
  private readonly running = new Set<Promise<void>>();
  private readonly scheduleTable = new Map<string, Schedule>();
  private stopped = false;

  private queue(name: QueueName): Map<string, Entry> {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = new Map()));
    return queue;
  }

  async add(queue: QueueName, id: string, data: unknown, options: AddOptions): Promise<boolean> {
    const jobs = this.queue(queue);
    if (jobs.has(id)) return false;
    const entry: Entry = { id, data, state: 'waiting', attempt: 0, options };
    jobs.set(id, entry);
    if (options.delayMs && options.delayMs > 0) this.delay(queue, entry, options.delayMs);
    else this.pump(queue);
    return true;
  }

  private delay(queue: QueueName, entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.state !== 'delayed') return;
      entry.state = 'waiting';
      this.pump(queue);
    }, ms);
    entry.timer.unref();
  }

  async state(queue: QueueName, id: string): Promise<JobState | undefined> {
    return this.queue(queue).get(id)?.state;
  }

  async promote(queue: QueueName, id: string): Promise<void> {
    const entry = this.queue(queue).get(id);
    if (entry?.state !== 'delayed') return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.state = 'waiting';
    this.pump(queue);
  }

  async removeFinished(queue: QueueName, id: string): Promise<void> {
    const entry = this.queue(queue).get(id);
    if (entry && (entry.state === 'completed' || entry.state === 'failed'))
      this.queue(queue).delete(id);
  }

  async counts(queue: QueueName): Promise<Record<JobState, number>> {
    const counts = EMPTY_COUNTS();
    for (const entry of this.queue(queue).values()) counts[entry.state]++;
    return counts;
  }

  work(queue: QueueName, concurrency: number, processor: Processor): void {
    this.workers.set(queue, { concurrency, processor });
    this.pump(queue);
  }

  private pump(queue: QueueName): void {
    const worker = this.workers.get(queue);
    if (!worker || this.stopped) return;
    const jobs = this.queue(queue);
    let active = [...jobs.values()].filter((entry) => entry.state === 'active').length;
    for (const entry of jobs.values()) {
      if (active >= worker.concurrency) break;
      if (entry.state !== 'waiting') continue;
      active++;
      entry.state = 'active';
      entry.attempt++;
      const run = this.run(queue, entry, worker.processor).finally(() => {
        this.running.delete(run);
        this.pump(queue);
      });
      this.running.add(run);
    }
  }

  private async run(queue: QueueName, entry: Entry, processor: Processor): Promise<void> {
    const jobs = this.queue(queue);
    try {
      const result = await processor({
        queue,
        id: entry.id,
        data: entry.data,
        attempt: entry.attempt,
        maxAttempts: entry.options.attempts,
      });
      if (result.kind === 'delay') {
        entry.attempt--; // a busy repository is not a failed attempt
        this.delay(queue, entry, result.ms);
        return;
      }
      this.finish(jobs, entry, 'completed', entry.options.keepCompletedMs);
    } catch {
      if (entry.attempt < entry.options.attempts) {
        this.delay(queue, entry, entry.options.backoffMs * 2 ** (entry.attempt - 1));
        return;
      }
      this.finish(jobs, entry, 'failed', 7 * 24 * 3_600_000);
    }
  }

  private finish(jobs: Map<string, Entry>, entry: Entry, state: JobState, keepMs: number): void {
    entry.state = state;
    if (keepMs <= 0) {
      jobs.delete(entry.id);
      return;
    }
    entry.timer = setTimeout(() => {
      if (jobs.get(entry.id) === entry) jobs.delete(entry.id);
    }, keepMs);
    entry.timer.unref();
  }

  async stopWorking(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  async upsertSchedule(
    queue: QueueName,
    id: string,
    pattern: string,
    data: unknown,
  ): Promise<void> {
    const key = `${queue}|${id}`;
    const existing = this.scheduleTable.get(key);
    if (existing?.timer) clearTimeout(existing.timer);
    const schedule: Schedule = { id, pattern, data, next: undefined, timer: undefined };
    this.scheduleTable.set(key, schedule);
    const arm = () => {
      const next = CronExpressionParser.parse(pattern, { tz: 'UTC' }).next().getTime();
      schedule.next = next;
      // setTimeout holds at most ~24.8 days; a longer wait re-arms on the way.
      const wait = Math.min(next - Date.now(), 2 ** 31 - 1);
      schedule.timer = setTimeout(() => {
        if (this.scheduleTable.get(key) !== schedule) return;
        if (Date.now() >= next)
          void this.add(queue, `${id}|${next}`, data, {
            attempts: 1,
            backoffMs: 1000,
            keepCompletedMs: 0,
          });
        arm();
      }, wait);
      schedule.timer.unref();
    };
    arm();
  }

  async removeSchedule(queue: QueueName, id: string): Promise<boolean> {
    const key = `${queue}|${id}`;
    const existing = this.scheduleTable.get(key);
    if (!existing) return false;
    if (existing.timer) clearTimeout(existing.timer);
    this.scheduleTable.delete(key);
    return true;
  }

  async schedules(queue: QueueName): Promise<ScheduleEntry[]> {
    return [...this.scheduleTable.entries()]
      .filter(([key]) => key.startsWith(`${queue}|`))
      .map(([, { id, pattern, next, data }]) => ({ id, pattern, next, data }));
  }

  async close(): Promise<void> {
    await this.stopWorking();
    for (const schedule of this.scheduleTable.values())
      if (schedule.timer) clearTimeout(schedule.timer);
    for (const queue of this.queues.values())
      for (const entry of queue.values()) if (entry.timer) clearTimeout(entry.timer);
  }
}

export class MemoryStore implements SharedStore {
  private readonly keys = new Map<string, { value: string; expiresAt: number }>();
  private readonly fences = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();
  private readonly slots = new Map<string, number>();

  private live(key: string): string | undefined {
    const entry = this.keys.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.keys.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    this.keys.set(key, { value: '1', expiresAt: Date.now() + ttlMs });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.keys.delete(key);
  }

  async acquire(key: string, token: string, ttlMs: number): Promise<number | undefined> {
    if (this.live(key) !== undefined) return undefined;
    this.keys.set(key, { value: token, expiresAt: Date.now() + ttlMs });
    const fence = (this.fences.get(key) ?? 0) + 1;
    this.fences.set(key, fence);
    return fence;
  }

  async renew(key: string, token: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== token) return false;
    this.keys.set(key, { value: token, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.live(key) === token) this.keys.delete(key);
  }

  async takeFromWindow(
    key: string,
    limit: number,
    windowMs: number,
    nowMs: number,
  ): Promise<boolean> {
    const recent = (this.windows.get(key) ?? []).filter((time) => nowMs - time < windowMs);
    this.windows.set(key, recent);
    if (recent.length >= limit) return false;
    recent.push(nowMs);
    return true;
  }

  async takeFromWindows(
    windows: readonly { key: string; limit: number }[],
    windowMs: number,
    nowMs: number,
  ): Promise<{ taken: true } | { taken: false; retryInMs: number }> {
    let wait = -1;
    for (const { key, limit } of windows) {
      const recent = (this.windows.get(key) ?? []).filter((time) => nowMs - time < windowMs);
      this.windows.set(key, recent);
      if (recent.length >= limit) wait = Math.max(wait, recent[0]! + windowMs - nowMs);
    }
    if (wait >= 0) return { taken: false, retryInMs: Math.max(1, wait) };
    for (const { key } of windows) this.windows.get(key)!.push(nowMs);
    return { taken: true };
  }

  async windowTimes(key: string, windowMs: number, nowMs: number): Promise<number[]> {
    return (this.windows.get(key) ?? []).filter((time) => nowMs - time < windowMs);
  }

  async reserveSlot(key: string, intervalMs: number, nowMs: number): Promise<number> {
    const slot = Math.max(nowMs, this.slots.get(key) ?? 0);
    this.slots.set(key, slot + intervalMs);
    return slot - nowMs;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
