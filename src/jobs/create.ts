/**
 * The job layer for this process, from the environment: BullMQ on Redis with `REDIS_URL`,
 * else the in-process transport (single-instance mode, said once at start).
 */
import { JobLayer, type Logger } from './job-layer.js';
import { MemoryStore, MemoryTransport } from './memory-transport.js';
import { RedisStore, RedisTransport } from './redis-transport.js';

export interface JobLayerSettings {
  redisUrl?: string | undefined;
  /** Key prefix in Redis (default "driftgate"). */
  prefix?: string | undefined;
  lockTtlMs?: number | undefined;
  busyDelayMs?: number | undefined;
  maxJitterMs?: number | undefined;
  log: Logger;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new Error(`${name} must be a positive whole number of milliseconds, not "${value}"`);
  return number;
}

/** Settings from DRIFTGATE_* and REDIS_URL (documented in docs/deploy.md). */
export function settingsFromEnv(env: NodeJS.ProcessEnv, log: Logger): JobLayerSettings {
  return {
    redisUrl: env.REDIS_URL || undefined,
    prefix: env.DRIFTGATE_REDIS_PREFIX || undefined,
    lockTtlMs: positive('DRIFTGATE_LOCK_TTL_MS', env.DRIFTGATE_LOCK_TTL_MS),
    busyDelayMs: positive('DRIFTGATE_BUSY_DELAY_MS', env.DRIFTGATE_BUSY_DELAY_MS),
    maxJitterMs:
      env.DRIFTGATE_SCHEDULE_JITTER_MS === '0'
        ? 0
        : positive('DRIFTGATE_SCHEDULE_JITTER_MS', env.DRIFTGATE_SCHEDULE_JITTER_MS),
    log,
  };
}

export function createJobLayer(settings: JobLayerSettings): JobLayer {
  const lockTtlMs = settings.lockTtlMs ?? 30_000;
  const common = {
    log: settings.log,
    lockTtlMs,
    busyDelayMs: settings.busyDelayMs,
    maxJitterMs: settings.maxJitterMs,
  };
  if (!settings.redisUrl) {
    settings.log.info(
      {},
      'single-instance mode: jobs, schedules and limits live in this process (set REDIS_URL to run several instances and keep jobs across restarts)',
    );
    return new JobLayer({ ...common, transport: new MemoryTransport(), store: new MemoryStore() });
  }
  const prefix = settings.prefix ?? 'driftgate';
  return new JobLayer({
    ...common,
    transport: new RedisTransport({ url: settings.redisUrl, prefix, lockDurationMs: lockTtlMs }),
    store: new RedisStore(settings.redisUrl, prefix),
  });
}
