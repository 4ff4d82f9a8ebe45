/**
 * driftgate as a service, with real processes: two `node dist/server.js` instances on one
 * Redis (AOF on), the fake GitHub over HTTP, moto, and signed webhooks over HTTP. The
 * steps run in order on one repository: duplicate deliveries, a worker killed mid-scan,
 * a worker killed mid-execute, and Redis killed and restarted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobLayer } from '../../src/jobs/create.js';
import type { JobLayer } from '../../src/jobs/job-layer.js';
import { DriftRepository } from '../support/drift-repository.js';
import {
  sendWebhook,
  startDriftgate,
  type DriftgateProcess,
} from '../support/driftgate-process.js';
import { serveFakeGitHub, type FakeGitHubServer } from '../support/fake-github-http.js';
import { quietLog } from '../support/jobs.js';
import { motoEndpoint } from '../support/moto.js';
import { examplePayload } from '../support/probot.js';
import { redisCommand, startRedis, type RunningRedis } from '../support/redis-server.js';

const required = process.env.DRIFTGATE_REQUIRE_REDIS === '1';
const available = Boolean(redisCommand()) && Boolean(motoEndpoint());
if (!available && required)
  throw new Error('process tests need redis-server and moto (DRIFTGATE_REQUIRE_REDIS=1)');

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(!available)('driftgate as a service (real processes)', () => {
  let world: DriftRepository;
  let github: FakeGitHubServer;
  let redis: RunningRedis;
  let observer: JobLayer;
  const prefix = `dgp-${randomUUID().slice(0, 8)}`;
  const running: DriftgateProcess[] = [];
  const env = () => ({
    REDIS_URL: redis.url,
    DRIFTGATE_REDIS_PREFIX: prefix,
    GHE_HOST: github.host,
    GHE_PROTOCOL: 'http',
    AWS_ENDPOINT_URL: motoEndpoint(),
    // Short locks, so a killed worker's job and lock are retaken within seconds.
    DRIFTGATE_LOCK_TTL_MS: '2000',
    DRIFTGATE_BUSY_DELAY_MS: '300',
    DRIFTGATE_SCHEDULE_JITTER_MS: '0',
    DRIFTGATE_SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const start = async (name: string, kind: 'all' | 'web' | 'worker') => {
    const instance = await startDriftgate(name, { ...env(), DRIFTGATE_PROCESS: kind });
    running.push(instance);
    return instance;
  };
  const payload = (extra: Record<string, unknown>) => ({
    ...extra,
    repository: world.repository,
    installation: world.installation,
  });
  const dispatch = () =>
    payload({
      ...examplePayload('repository_dispatch'),
      action: 'driftgate-scan',
      client_payload: {},
    });
  const writes = (pattern: RegExp) => world.github.writes.filter((write) => pattern.test(write));

  beforeAll(async () => {
    world = await DriftRepository.create({ environment: 'prod' });
    github = await serveFakeGitHub();
    redis = await startRedis(redisCommand(), { appendonly: true });
    observer = createJobLayer({ redisUrl: redis.url, prefix, log: quietLog });
  });
  afterAll(async () => {
    for (const instance of running) await instance.kill9().catch(() => undefined);
    await observer?.close();
    await github?.close();
    await redis?.stop();
    world?.close();
  });

  it('the same delivery sent to both instances opens one PR; health, readiness and metrics answer', async () => {
    const a = await start('a', 'all');
    const b = await start('b', 'all');
    // Production logs are JSON lines (LOG_FORMAT=json).
    expect(a.output()).toContain('"queue":"redis"');

    // A push of the config schedules the repository (kept in Redis; see the last step).
    const pushExample = examplePayload('push');
    const push = payload({
      ...pushExample,
      ref: `refs/heads/${world.github.defaultBranch}`,
      deleted: false,
      after: world.github.branches.get(world.github.defaultBranch)!,
      commits: [
        {
          ...(pushExample.commits as object[])[0],
          added: [],
          removed: [],
          modified: ['README.md'],
        },
      ],
    });
    expect((await sendWebhook(a.url, 'push', randomUUID(), push)).status).toBe(200);

    await world.openRdp();
    const delivery = randomUUID();
    const acks = await Promise.all([
      sendWebhook(a.url, 'repository_dispatch', delivery, dispatch()),
      sendWebhook(b.url, 'repository_dispatch', delivery, dispatch()),
    ]);
    expect(acks.map((ack) => ack.status)).toEqual([200, 200]);
    for (const ack of acks) expect(ack.ms).toBeLessThan(2_000);
    await until('the drift PR', () => world.driftPullRequests().length > 0);
    await until('the dashboard', () => world.github.issues.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(world.driftPullRequests()).toHaveLength(1);
    expect(writes(/^POST .*\/pulls$/)).toHaveLength(1);

    expect(await (await fetch(`${a.url}/healthz`)).json()).toEqual({
      status: 'ok',
      process: 'all',
    });
    const ready = await fetch(`${b.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      queue: { mode: 'redis', reachable: true },
      github: { credentials: true },
    });
    const metrics =
      (await (await fetch(`${a.url}/metrics`)).text()) +
      (await (await fetch(`${b.url}/metrics`)).text());
    expect(metrics).toMatch(
      /driftgate_webhook_deliveries_total\{event="repository_dispatch",result="duplicate"\} 1/,
    );
    expect(metrics).toMatch(/driftgate_jobs\{queue="scan",state="waiting"\} 0/);
    expect(metrics).toMatch(/driftgate_pull_requests_total\{action="opened"\} 1/);
    expect(metrics).toMatch(/driftgate_job_duration_seconds_count\{queue="scan",kind="scan"\} 1/);
    expect(metrics).toMatch(/driftgate_github_requests_total\{method="POST",status="2xx"\} \d+/);
    expect(metrics).toMatch(
      /driftgate_aws_calls_total\{operation="ec2:DescribeSecurityGroups"\} [1-9]/,
    );
    expect(metrics).toMatch(/driftgate_drifts_found_total\{tier="2",direction="revert"\} 1/);

    // SIGTERM: both stop cleanly (the jobs in hand finish, Redis is closed).
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    running.length = 0;
  });

  it('kill -9 of the worker mid-scan: another worker finishes the job, one PR, nothing lost', async () => {
    const web = await start('web', 'web');
    const first = await start('worker-1', 'worker');
    // The drift changes (RDP closed, PostgreSQL opened): the scan rewrites the one PR.
    await world.closeRdp();
    await world.ec2.send(
      new (await import('@aws-sdk/client-ec2')).AuthorizeSecurityGroupIngressCommand({
        GroupId: world.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    world.github.writes.length = 0;
    expect(
      (await sendWebhook(web.url, 'repository_dispatch', randomUUID(), dispatch())).status,
    ).toBe(200);
    // The first worker has started writing (the branch commit) when it dies.
    await until('the scan to start writing', () => writes(/\/git\/trees$/).length > 0);
    await first.kill9();
    const second = await start('worker-2', 'worker');
    await until('the rewritten PR', () => writes(/^PATCH .*\/pulls\/\d+$/).length > 0, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(world.driftPullRequests()).toHaveLength(1);
    expect(world.driftPullRequests()[0]!.body).toContain('tcp/5432 from 0.0.0.0/0');
    expect(writes(/^POST .*\/pulls$/)).toEqual([]);
    expect(second.output()).toContain('driftgate worker listening');
    // The scan the killed worker had started was carried out by the second one.
    const secondMetrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(secondMetrics).toMatch(/driftgate_scans_total\{result="ok"\} 1/);
    expect(secondMetrics).toMatch(/driftgate_pull_requests_total\{action="updated"\} 1/);
  });

  it('kill -9 mid-execute: the next worker resumes through the pre-check; nothing is applied twice', async () => {
    const web = running.find((instance) => instance.name === 'web')!;
    const [pr] = world.driftPullRequests();
    world.github.permissions.set('reviewer', 'write');
    world.github.reviews.set(pr!.number, [
      { id: 1, user: { login: 'reviewer' }, state: 'APPROVED', commit_id: 'x' },
    ]);
    world.github.merge(pr!.number, 'maintainer');
    world.github.writes.length = 0;
    expect(
      (
        await sendWebhook(
          web.url,
          'pull_request',
          randomUUID(),
          payload(world.pullRequestPayload(pr!, 'closed')),
        )
      ).status,
    ).toBe(200);
    const executing = await until('the executing check run', () =>
      world.github.checkRuns.find(
        (run) => run.name === 'driftgate/apply' && run.output.title?.startsWith('executing'),
      ),
    );
    const worker = running.find((instance) => instance.name === 'worker-2')!;
    await worker.kill9();
    await start('worker-3', 'worker');
    await until('the apply result', () => executing.status === 'completed', 90_000);
    expect(['success']).toContain(executing.conclusion);
    expect(executing.output.title).toMatch(
      /^revert of aws_security_group\.web: (applied|nothing-to-do)$/,
    );
    expect(await world.liveIngress()).toEqual(['tcp/22 10.0.0.0/8']);
    const comment = await until('the PR comment', () =>
      pr!.comments.find((text) => text.includes('Revert executed on merge')),
    );
    expect(comment).toMatch(/Revert executed on merge by @maintainer/);
    expect(comment).toContain('An earlier attempt was cut short');
    expect(executing.output.summary).toContain('An earlier attempt was cut short');
    expect(comment).not.toMatch(/rolled-back|rollback-failed/);
    // One ledger outcome commit on the default branch, one comment.
    expect(writes(/^PATCH .*\/git\/refs\/heads%2F/)).toHaveLength(1);
    expect(pr!.comments.filter((text) => text.includes('Revert executed'))).toHaveLength(1);
  });

  it('Redis killed and restarted (AOF): the schedule and a pending job survive, and the job runs', async () => {
    for (const instance of running.filter((candidate) => candidate.name.startsWith('worker')))
      await instance.stop();
    const web = running.find((instance) => instance.name === 'web')!;
    await world.openRdp();
    world.github.writes.length = 0;
    expect(
      (await sendWebhook(web.url, 'repository_dispatch', randomUUID(), dispatch())).status,
    ).toBe(200);
    expect((await observer.repositorySchedules()).map((schedule) => schedule.repository)).toEqual([
      world.repository.full_name as string,
    ]);

    await redis.kill();
    await redis.restart();
    const schedules = await observer.repositorySchedules();
    expect(schedules).toEqual([
      expect.objectContaining({ repository: world.repository.full_name, pattern: '0 */6 * * *' }),
    ]);
    expect(world.github.writes).toEqual([]);
    await start('worker-4', 'worker');
    await until(
      'the PR from the job queued before the restart',
      () =>
        world
          .driftPullRequests()
          .some((candidate) => candidate.body.includes('tcp/3389 from 0.0.0.0/0')),
      90_000,
    );
  });
});
