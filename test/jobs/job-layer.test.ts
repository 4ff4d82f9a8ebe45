/**
 * The job layer's promises, on both transports (BullMQ on the test Redis, and in-process):
 * natural-key de-duplication, exactly one follow-up for a trigger during a run, once-only
 * jobs, the per-repository lock (busy → delayed, never failed), payload validation when a
 * job is taken, the shared sliding window and rate slots, and schedules that fire.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JobLayer } from '../../src/jobs/job-layer.js';
import type { Job } from '../../src/jobs/payloads.js';
import { RedisStore, RedisTransport } from '../../src/jobs/redis-transport.js';
import { describeWithRedis, quietLog, redisUrl, testJobLayer } from '../support/jobs.js';

const ref = { installationId: 7, owner: 'acme', repo: 'network', defaultBranch: 'main' };
const scan = { kind: 'scan' as const, ...ref, reason: 'dispatch' };

/** A handler that records each run and waits for `release` before finishing. */
function gatedHandler() {
  const runs: Job[] = [];
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  let firstStarted = new Promise<void>((resolve) => (started = resolve));
  return {
    runs,
    handler: async (job: Job) => {
      runs.push(job);
      started();
      await gate;
    },
    started: () => firstStarted,
    release: () => release(),
    reset() {
      gate = new Promise<void>((resolve) => (release = resolve));
      firstStarted = new Promise<void>((resolve) => (started = resolve));
    },
  };
}

for (const transport of ['redis', 'memory'] as const) {
  const suite = transport === 'redis' ? describeWithRedis : describe;
  suite(`the job layer on the ${transport} transport`, () => {
    it('a trigger while a scan runs queues exactly one follow-up; while one waits, none', async () => {
      const jobs = testJobLayer({ transport });
      const gated = gatedHandler();
      expect(await jobs.enqueue(scan)).toBe('queued');
      jobs.start(gated.handler, { concurrency: 2 });
      await gated.started();
      // Three triggers arrive during the scan: one follow-up absorbs them all.
      expect(await jobs.enqueue(scan)).toBe('follow-up');
      expect(await jobs.enqueue(scan)).toBe('duplicate');
      expect(await jobs.enqueue({ ...scan, reason: 'push' })).toBe('duplicate');
      gated.release();
      await jobs.settled();
      expect(gated.runs).toHaveLength(2);
      // Afterwards the key is free again.
      expect(await jobs.enqueue(scan)).toBe('queued');
      await jobs.settled();
      expect(gated.runs).toHaveLength(3);
    });

    it('a command (once per comment) runs once however often it is enqueued', async () => {
      const jobs = testJobLayer({ transport });
      const runs: Job[] = [];
      jobs.start(async (job) => void runs.push(job), { concurrency: 1 });
      const command = {
        kind: 'command' as const,
        ...ref,
        commentId: 99,
        issueNumber: 3,
        isPullRequest: true,
        body: '/driftgate rescan',
        sender: { login: 'octocat', type: 'User' },
      };
      expect(await jobs.enqueue(command)).toBe('queued');
      await jobs.settled();
      expect(await jobs.enqueue(command)).toBe('duplicate');
      await jobs.settled();
      expect(runs).toHaveLength(1);
    });

    it('a webhook delivery is taken once', async () => {
      const jobs = testJobLayer({ transport });
      const id = randomUUID();
      expect(await jobs.acceptDelivery(id)).toBe(true);
      expect(await jobs.acceptDelivery(id)).toBe(false);
      await jobs.forgetDelivery(id);
      expect(await jobs.acceptDelivery(id)).toBe(true);
    });

    it('two jobs in one repository never run at once: the second is delayed, not failed', async () => {
      const jobs = testJobLayer({ transport, busyDelayMs: 50 });
      let inside = 0;
      let overlap = false;
      const fences: number[] = [];
      jobs.start(
        async (_job, run) => {
          inside++;
          if (inside > 1) overlap = true;
          fences.push(run.lock!.fence);
          await new Promise((resolve) => setTimeout(resolve, 300));
          inside--;
        },
        { concurrency: 4 },
      );
      await jobs.enqueue(scan);
      await jobs.enqueue({ kind: 'automerge', ...ref, headSha: 'a'.repeat(40) });
      await jobs.settled();
      expect(overlap).toBe(false);
      expect(fences).toHaveLength(2);
      // Each holder has a larger fencing number than the one before.
      expect(fences[1]).toBeGreaterThan(fences[0]!);
      const metrics = await jobs.metrics.registry.getSingleMetricAsString(
        'driftgate_lock_waits_total',
      );
      expect(metrics).toMatch(/driftgate_lock_waits_total\{queue="(scan|automerge)"\} [1-9]/);
    });

    it('a job that fails is retried with backoff, then reported', async () => {
      const jobs = testJobLayer({ transport });
      let attempts = 0;
      jobs.start(
        async (_job, run) => {
          attempts = run.attempt;
          throw new Error(`attempt ${run.attempt} broke`);
        },
        { concurrency: 1 },
      );
      await jobs.enqueue({
        kind: 'labels',
        ...ref,
        pullNumber: 5,
        sender: { login: 'octocat', type: 'User' },
      });
      await expect(jobs.settled()).rejects.toThrow(/labels\|acme\/network\|5: attempt 2 broke/);
      expect(attempts).toBe(2);
    });

    it('the hourly PR cap is a sliding window', async () => {
      const jobs = testJobLayer({ transport });
      const now = new Date('2026-11-24T10:00:00Z');
      const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      expect(await jobs.takePullRequestSlot('installation:7', 2, now)).toBe(true);
      expect(await jobs.takePullRequestSlot('installation:7', 2, later(30))).toBe(true);
      expect(await jobs.takePullRequestSlot('installation:7', 2, later(59))).toBe(false);
      expect(await jobs.takePullRequestSlot('installation:8', 2, later(59))).toBe(true);
      // An hour after the first, its slot is free again; the second still counts.
      expect(await jobs.takePullRequestSlot('installation:7', 2, later(61))).toBe(true);
      expect(await jobs.takePullRequestSlot('installation:7', 2, later(62))).toBe(false);
    });

    it('execution caps: per stack and per installation at once, all or none', async () => {
      const jobs = testJobLayer({ transport });
      const now = new Date('2026-11-24T10:00:00Z');
      const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
      const caps = (stack: string) => [
        { key: `stack:acme/net:${stack}`, limit: 1 },
        { key: 'installation:7', limit: 2 },
      ];
      expect(await jobs.takeExecutionSlot(caps('a'), now)).toEqual({ taken: true });
      // The stack is full: the installation's slot is not used up by the refusal.
      expect(await jobs.takeExecutionSlot(caps('a'), later(10))).toEqual({
        taken: false,
        retryInMs: 50 * 60_000,
      });
      expect(await jobs.takeExecutionSlot(caps('b'), later(20))).toEqual({ taken: true });
      // Now the installation is full, whichever stack asks.
      expect(await jobs.takeExecutionSlot(caps('c'), later(30))).toEqual({
        taken: false,
        retryInMs: 30 * 60_000,
      });
      expect(await jobs.takeExecutionSlot(caps('c'), later(61))).toEqual({ taken: true });
    });

    it('a handler that asks to wait is run again later, without using an attempt', async () => {
      const jobs = testJobLayer({ transport, maxWaitMs: 50 });
      let runs = 0;
      jobs.start(
        async () => {
          runs++;
          return runs < 3 ? { waitMs: 3_600_000 } : undefined;
        },
        { concurrency: 1 },
      );
      await jobs.enqueue({ kind: 'execute', ...ref, pullNumber: 4, mergeSha: 'abcdef1' });
      await jobs.settled();
      expect(runs).toBe(3);
    });

    it('a repository schedule adds a scheduled scan when its cron comes round', async () => {
      const jobs = testJobLayer({ transport });
      const seen: Job[] = [];
      jobs.start(
        async (job) => {
          seen.push(job);
          if (job.kind === 'scheduled-scan') await jobs.scheduledScan(job);
        },
        { concurrency: 2 },
      );
      await jobs.upsertRepositorySchedule(ref, '* * * * * *'); // every second
      const [schedule] = await jobs.repositorySchedules();
      expect(schedule).toMatchObject({ repository: 'acme/network', pattern: '* * * * * *', ref });
      const deadline = Date.now() + 5_000;
      while (!seen.some((job) => job.kind === 'scan') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.find((job) => job.kind === 'scan')).toMatchObject({ reason: 'schedule', ...ref });
      expect(await jobs.removeRepositorySchedule('acme', 'network')).toBe(true);
      expect(await jobs.repositorySchedules()).toEqual([]);
    });
  });
}

describeWithRedis('the job layer shared by two instances on one Redis', () => {
  const twoInstances = () => {
    const prefix = `dgt-${randomUUID().slice(0, 8)}`;
    return [testJobLayer({ prefix }), testJobLayer({ prefix })] as const;
  };

  it('share the hourly window and the delivery de-duplication', async () => {
    const [a, b] = twoInstances();
    const now = new Date();
    expect(await a.takePullRequestSlot('installation:1', 1, now)).toBe(true);
    expect(await b.takePullRequestSlot('installation:1', 1, now)).toBe(false);
    expect(await a.acceptDelivery('d-1')).toBe(true);
    expect(await b.acceptDelivery('d-1')).toBe(false);
  });

  it('share the CloudTrail limiter: four calls at 2/s take at least 1.5 s across both', async () => {
    const [a, b] = twoInstances();
    const started = Date.now();
    await Promise.all([
      a.waitForSlot('cloudtrail-lookup-events', '123456789012:eu-west-1', 2),
      b.waitForSlot('cloudtrail-lookup-events', '123456789012:eu-west-1', 2),
      a.waitForSlot('cloudtrail-lookup-events', '123456789012:eu-west-1', 2),
      b.waitForSlot('cloudtrail-lookup-events', '123456789012:eu-west-1', 2),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
  });

  it('a payload that does not validate is refused when taken, not run and not retried', async () => {
    const prefix = `dgt-${randomUUID().slice(0, 8)}`;
    const transport = new RedisTransport({ url: redisUrl(), prefix, lockDurationMs: 5_000 });
    const jobs = new JobLayer({
      transport,
      store: new RedisStore(redisUrl(), prefix),
      log: quietLog,
    });
    const runs: Job[] = [];
    jobs.start(async (job) => void runs.push(job), { concurrency: 1 });
    await transport.add(
      'scan',
      'scan|hand-written',
      { kind: 'scan', owner: 'acme' },
      {
        attempts: 3,
        backoffMs: 10,
        keepCompletedMs: 0,
      },
    );
    await expect(jobs.settled()).rejects.toThrow(/scan\|hand-written: invalid payload at repo/);
    expect(runs).toEqual([]);
    await jobs.close();
  });
});
