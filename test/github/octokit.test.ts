import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftgateOctokit, onRateLimit } from '../../src/github/octokit.js';

const quiet = {
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  error: () => undefined,
};

describe("driftgate's Octokit throttling", () => {
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('waits out a secondary rate limit and retries the write', async () => {
    nock.disableNetConnect();
    const api = nock('https://api.github.com')
      .post('/app/installations/1/access_tokens')
      .reply(201, { token: 'ghs_test', expires_at: '2099-01-01T00:00:00Z', permissions: {} })
      .post('/repos/acme/infra/issues/7/comments')
      .reply(
        403,
        { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
        {
          'retry-after': '1',
        },
      )
      .post('/repos/acme/infra/issues/7/comments')
      .reply(201, { id: 1 });
    // Built the way `npm start` builds it: Probot's own throttle options (which only log
    // secondary limits), then driftgate's.
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const probot = new Probot({
      appId: 1,
      privateKey,
      Octokit: DriftgateOctokit,
      logLevel: 'fatal',
    });
    const octokit = await probot.auth(1);
    const started = Date.now();
    const { status } = await octokit.rest.issues.createComment({
      owner: 'acme',
      repo: 'infra',
      issue_number: 7,
      body: 'hello',
    });
    expect(status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(api.isDone()).toBe(true);
  });

  it('does not hold a webhook for a long primary-limit reset', () => {
    const request = { method: 'GET', url: '/repos/acme/infra/pulls' };
    expect(onRateLimit(30, request, { log: quiet }, 0)).toBe(true);
    expect(onRateLimit(30, request, { log: quiet }, 1)).toBe(false);
    expect(onRateLimit(1800, request, { log: quiet }, 0)).toBe(false);
  });
});
