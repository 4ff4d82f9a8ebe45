/**
 * A real redis-server for the job layer and the app's scenario tests: REDIS_URL when set
 * (CI starts one), else one started here on a free port. Without either, the Redis-backed
 * tests fail under DRIFTGATE_REQUIRE_REDIS=1 (CI); locally they are skipped with a notice
 * and the app's scenarios run on the in-process transport.
 */
import type { TestProject } from 'vitest/node';
import { redisCommand, startRedis, waitForRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given) {
    await waitForRedis(given);
    project.provide('redisUrl', given);
    return async () => {};
  }
  const command = redisCommand();
  if (!command) {
    const notice =
      'Redis-backed tests SKIPPED: no redis-server on PATH. Install it (apt-get install redis-server) or set REDIS_URL.';
    if (process.env.DRIFTGATE_REQUIRE_REDIS === '1')
      throw new Error(`DRIFTGATE_REQUIRE_REDIS=1 but ${notice}`);
    console.warn(`\n*** ${notice} ***\n`);
    project.provide('redisUrl', '');
    return async () => {};
  }
  const redis = await startRedis(command);
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
