/**
 * Job layers for tests: BullMQ on the test Redis (each with its own key prefix, so test
 * files running side by side never take each other's jobs), or the in-process transport.
 * Every layer made here is closed after its file (test/support/jobs-cleanup.ts).
 */
import { randomUUID } from 'node:crypto';
import { describe, inject } from 'vitest';
import { JobLayer, type Logger } from '../../src/jobs/job-layer.js';
import { MemoryStore, MemoryTransport } from '../../src/jobs/memory-transport.js';
import { RedisStore, RedisTransport } from '../../src/jobs/redis-transport.js';

export const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const open: JobLayer[] = [];

export function redisUrl(): string {
  return inject('redisUrl');
}

/** `describe` that needs Redis (CI fails a skip; see .ci/run). */
export const describeWithRedis = (name: string, body: () => void) =>
  describe.skipIf(!redisUrl())(name, body);

export interface TestJobOptions {
  transport?: 'redis' | 'memory';
  prefix?: string;
  lockTtlMs?: number;
  busyDelayMs?: number;
  maxJitterMs?: number;
  maxWaitMs?: number;
  log?: Logger;
}

export function testJobLayer(options: TestJobOptions = {}): JobLayer {
  const kind = options.transport ?? (redisUrl() ? 'redis' : 'memory');
  const prefix = options.prefix ?? `dgt-${randomUUID().slice(0, 8)}`;
  const lockTtlMs = options.lockTtlMs ?? 5_000;
  const common = {
    log: options.log ?? quietLog,
    lockTtlMs,
    busyDelayMs: options.busyDelayMs ?? 100,
    maxJitterMs: options.maxJitterMs ?? 0,
    // A job waiting for an hourly cap looks again soon: scenarios move their clock instead.
    maxWaitMs: options.maxWaitMs ?? 200,
  };
  const layer =
    kind === 'redis'
      ? new JobLayer({
          ...common,
          transport: new RedisTransport({ url: redisUrl(), prefix, lockDurationMs: lockTtlMs }),
          store: new RedisStore(redisUrl(), prefix),
        })
      : new JobLayer({ ...common, transport: new MemoryTransport(), store: new MemoryStore() });
  open.push(layer);
  return layer;
}

export async function closeTestJobLayers(): Promise<void> {
  const layers = open.splice(0);
  await Promise.all(layers.map((layer) => layer.close().catch(() => undefined)));
}
