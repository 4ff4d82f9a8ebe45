/**
 * The redelivery job asks GitHub to redeliver webhook deliveries whose every attempt
 * failed — recent ones only, each once across all instances.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { redeliverFailed } from '../../src/app/redeliver.js';
import { driftgateApp } from '../support/probot.js';

const now = new Date('2026-11-24T12:00:00Z');
const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();

describe('redelivery of failed webhook deliveries', () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('redelivers each recent delivery that never succeeded, once', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    const redelivered: number[] = [];
    nock('https://api.github.com')
      .persist()
      .get(/^\/app\/hook\/deliveries/)
      .reply(200, [
        // Newest first, as GitHub lists them.
        { id: 6, guid: 'a', status_code: 200, delivered_at: at(0.5), redelivery: true },
        { id: 5, guid: 'b', status_code: 502, delivered_at: at(1), redelivery: false },
        { id: 4, guid: 'c', status_code: 200, delivered_at: at(1.5), redelivery: false },
        { id: 3, guid: 'a', status_code: 500, delivered_at: at(2), redelivery: false },
        { id: 2, guid: 'd', status_code: 0, delivered_at: at(3), redelivery: false },
        { id: 1, guid: 'old', status_code: 500, delivered_at: at(30), redelivery: false },
      ])
      .post(/^\/app\/hook\/deliveries\/(\d+)\/attempts$/)
      .reply((uri) => {
        redelivered.push(Number(/deliveries\/(\d+)\/attempts/.exec(uri)![1]));
        return [202, {}];
      });
    const app = driftgateApp();
    expect(await redeliverFailed(app, app.jobs, { now })).toEqual({ redelivered: ['b', 'd'] });
    expect(redelivered).toEqual([5, 2]);
    // The next run (on any instance) does not ask again.
    expect(await redeliverFailed(app, app.jobs, { now })).toEqual({ redelivered: [] });
    expect(redelivered).toEqual([5, 2]);
  });
});
