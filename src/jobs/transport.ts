/**
 * The two things the job layer needs from its engine, as ports: a queue transport (add,
 * take, delay, schedule) and a small shared store (set-once keys, fenced locks, sliding
 * windows, rate slots). BullMQ on Redis implements both for many instances
 * (redis-transport.ts); memory-transport.ts implements them for one process. Everything
 * else — ids, de-duplication, locks around handlers, validation, metrics — is shared, in
 * job-layer.ts.
 */
import type { QueueName } from './payloads.js';

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export interface AddOptions {
  delayMs?: number | undefined;
  /** Attempts in all, with exponential backoff from `backoffMs` between failures. */
  attempts: number;
  backoffMs: number;
  /** Keep a completed job (and so its id) this long; 0 frees the id at once. */
  keepCompletedMs: number;
}

export interface TakenJob {
  queue: QueueName;
  id: string;
  data: unknown;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
}

/** What a handler asks of the transport: done, or put back for later without using an attempt. */
export type RunResult = { kind: 'done' } | { kind: 'delay'; ms: number };

export type Processor = (job: TakenJob) => Promise<RunResult>;

export interface ScheduleEntry {
  id: string;
  pattern: string;
  /** Epoch ms of the next run, when known. */
  next: number | undefined;
  data: unknown;
}

export interface QueueTransport {
  readonly mode: 'redis' | 'memory';
  /** Add a job under `id`; false when a job with this id already exists (any state). */
  add(queue: QueueName, id: string, data: unknown, options: AddOptions): Promise<boolean>;
  state(queue: QueueName, id: string): Promise<JobState | undefined>;
  /** Run a delayed job now. */
  promote(queue: QueueName, id: string): Promise<void>;
  /** Remove a finished (completed or failed) job so its id can be used again. */
  removeFinished(queue: QueueName, id: string): Promise<void>;
  counts(queue: QueueName): Promise<Record<JobState, number>>;
  /** Start taking jobs of `queue`, `concurrency` at a time. */
  work(queue: QueueName, concurrency: number, processor: Processor): void;
  /** Stop taking jobs; resolves when the jobs in hand are finished. */
  stopWorking(): Promise<void>;
  /** A cron schedule (UTC) that adds `data` to `queue` each time it comes round. */
  upsertSchedule(queue: QueueName, id: string, pattern: string, data: unknown): Promise<void>;
  removeSchedule(queue: QueueName, id: string): Promise<boolean>;
  schedules(queue: QueueName): Promise<ScheduleEntry[]>;
  close(): Promise<void>;
}

export interface SharedStore {
  /** SET key NX with a TTL: true when this caller set it. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** A lock owned by `token`; returns a fencing number (increasing per key) or undefined when busy. */
  acquire(key: string, token: string, ttlMs: number): Promise<number | undefined>;
  /** Extend the lock if `token` still owns it. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  release(key: string, token: string): Promise<void>;
  /** Record one event in a sliding window if fewer than `limit` happened in the last `windowMs`. */
  takeFromWindow(key: string, limit: number, windowMs: number, nowMs: number): Promise<boolean>;
  /**
   * Record one event in every window of `windows` at once, or in none: each must have had
   * fewer than its `limit` events in the last `windowMs`. When one is full, `retryInMs` says
   * when its oldest event leaves the window (the earliest a retry can succeed).
   */
  takeFromWindows(
    windows: readonly { key: string; limit: number }[],
    windowMs: number,
    nowMs: number,
  ): Promise<{ taken: true } | { taken: false; retryInMs: number }>;
  /** The times (epoch ms, oldest first) of the events in the last `windowMs` of `key`. */
  windowTimes(key: string, windowMs: number, nowMs: number): Promise<number[]>;
  /** Reserve the next free slot `intervalMs` apart; returns how long to wait for it. */
  reserveSlot(key: string, intervalMs: number, nowMs: number): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
