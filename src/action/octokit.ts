/**
 * The Action's GitHub client: `@octokit/rest` with the throttling and retry plugins, at the
 * workflow's API URL (GitHub Enterprise Server included), limits met as the app meets them.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { onRateLimit, onSecondaryRateLimit } from '../github/rate-limits.js';

// The plugins add options and a `retry` member driftgate does not call: typed as Octokit.
const ActionOctokitClass = Octokit.plugin(throttling, retry) as typeof Octokit;
export type ActionOctokit = Octokit;

export function actionOctokit(token: string, baseUrl: string): ActionOctokit {
  return new ActionOctokitClass({
    auth: token,
    baseUrl,
    userAgent: 'driftgate-action',
    throttle: { onRateLimit, onSecondaryRateLimit },
    // Octokit's own log would print every retry at warn; driftgate's handlers say it once.
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => process.stderr.write(`${message}\n`),
      error: () => {},
    },
  });
}
