/**
 * CloudTrail allows LookupEvents 2/s per account and region. With the job layer's limiter,
 * two workers (two sessions, two job layers on one Redis) share those 2/s between them.
 */
import nock from 'nock';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LookupEventsSource } from '../../src/cloud/aws/attribution.js';
import { AwsSession } from '../../src/cloud/aws/session.js';
import { describeWithRedis, testJobLayer } from '../support/jobs.js';

const CLOUDTRAIL = 'https://cloudtrail.eu-west-1.amazonaws.com';

describeWithRedis('the CloudTrail limiter shared by two workers', () => {
  // CloudTrail is answered by nock here: CI's moto endpoint (AWS_ENDPOINT_URL) must not
  // take the requests, and nothing may leave the process.
  let savedEndpoint: string | undefined;
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    savedEndpoint = process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL;
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterAll(() => {
    if (savedEndpoint !== undefined) process.env.AWS_ENDPOINT_URL = savedEndpoint;
    nock.enableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('spaces LookupEvents from both sessions about 500 ms apart', async () => {
    const seen: number[] = [];
    nock(CLOUDTRAIL)
      .persist()
      .post('/')
      .reply(200, () => {
        seen.push(Date.now());
        return { Events: [] };
      });
    const prefix = `dgt-${randomUUID().slice(0, 8)}`;
    const workers = [testJobLayer({ prefix }), testJobLayer({ prefix })];
    const sources = workers.map(
      (jobs) =>
        new LookupEventsSource(
          new AwsSession({
            region: 'eu-west-1',
            waitForSlot: (limiter, key, perSecond) => jobs.waitForSlot(limiter, key, perSecond),
          }),
          24,
        ),
    );
    const started = Date.now();
    await Promise.all([
      sources[0]!.eventsFor('sg-1'),
      sources[1]!.eventsFor('sg-2'),
      sources[0]!.eventsFor('sg-3'),
      sources[1]!.eventsFor('sg-4'),
    ]);
    seen.sort((a, b) => a - b);
    expect(seen).toHaveLength(4);
    // Slots are reserved 500 ms apart: the fourth call cannot leave before 1.5 s (it may
    // arrive later than its slot, never earlier).
    expect(seen.at(-1)! - started).toBeGreaterThanOrEqual(1_500);
    const waits = await workers[1]!.metrics.registry.getSingleMetricAsString(
      'driftgate_rate_limit_waits_total',
    );
    expect(waits).toMatch(/limiter="cloudtrail-lookup-events"\} [1-9]/);
  });
});
