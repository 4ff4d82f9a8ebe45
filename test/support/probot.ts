/** A Probot instance running driftgate against the fake GitHub, and real webhook payloads. */
import { generateKeyPairSync } from 'node:crypto';
import webhookExamples from '@octokit/webhooks-examples';
import { Probot, ProbotOctokit } from 'probot';
import { createDriftgate } from '../../src/index.js';
import type { JobLayer } from '../../src/jobs/job-layer.js';
import { testJobLayer, type TestJobOptions } from './jobs.js';
import { TEST_ENVIRONMENT } from './records.js';
import type { AppEnvironment } from '../../src/app/environment.js';

export { TEST_ENVIRONMENT, TEST_RECORDS } from './records.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

export const INSTALLATION = { id: 375706, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMzc1NzA2' };

/** A Probot running driftgate whose jobs run on `jobs` in this process. */
export interface DriftgateTestApp extends Probot {
  jobs: JobLayer;
}

/**
 * driftgate on a test job layer (Redis when the test Redis is up). `receive` resolves once
 * every job the delivery queued (and their follow-ups) has run, and rejects when one of
 * them failed for good — so a scenario reads like the synchronous app it replaced.
 */
export function driftgateApp(
  options: TestJobOptions & { now?: () => Date; environment?: AppEnvironment } = {},
): DriftgateTestApp {
  const jobs = testJobLayer(options);
  const probot = new Probot({
    appId: 1,
    privateKey,
    // Probot passes its own throttle options at construction, which would override plain
    // defaults; a function has the last word. (Throttling spaces writes a second apart.)
    Octokit: ProbotOctokit.defaults((options: { throttle?: object }) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })) as typeof ProbotOctokit,
    logLevel: 'fatal',
  });
  void probot.load(
    createDriftgate({
      jobs,
      environment: options.environment ?? TEST_ENVIRONMENT,
      worker: { concurrency: 2 },
      now: options.now,
      // Long enough that a burst of deliveries is taken in before the scan starts, even on a
      // loaded CI machine (the coalescing window is what the targeted-scan tests check).
      targetedScanDelayMs: 2_000,
    }),
  );
  const receive = probot.receive.bind(probot);
  probot.receive = async (event) => {
    await receive(event);
    await jobs.settled();
  };
  return Object.assign(probot, { jobs });
}

/** The first of GitHub's own example payloads for an event that satisfies `accept`. */
export function examplePayload(
  event: string,
  accept: (payload: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const entry = (
    webhookExamples as unknown as { name: string; examples: Record<string, unknown>[] }[]
  ).find((candidate) => candidate.name === event);
  const example = entry?.examples.find(accept);
  if (!example) throw new Error(`no example payload for ${event}`);
  return structuredClone(example);
}

/** A `driftgate-scan` repository_dispatch for `repository`, built on GitHub's example payload. */
export function dispatchPayload(
  repository: Record<string, unknown>,
  clientPayload: unknown = {},
): Record<string, unknown> {
  return {
    ...examplePayload('repository_dispatch'),
    action: 'driftgate-scan',
    client_payload: clientPayload,
    repository,
    installation: INSTALLATION,
  };
}

/** `login` commenting `body` on PR `number`, built on GitHub's example issue_comment payload. */
export function commentPayload(
  repository: Record<string, unknown>,
  number: number,
  body: string,
  login: string,
): Record<string, unknown> {
  const example = examplePayload('issue_comment', (candidate) => candidate.action === 'created');
  const user = { ...(example.sender as object), login, type: 'User' };
  return {
    ...example,
    issue: {
      ...(example.issue as object),
      number,
      pull_request: { url: `https://api.github.com/repos/x/y/pulls/${number}` },
    },
    comment: { ...(example.comment as object), id: 1000 + number, body, user },
    sender: user,
    repository,
    installation: INSTALLATION,
  };
}
