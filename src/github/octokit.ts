/**
 * driftgate's Octokit: Probot's, with throttling that waits out GitHub's secondary rate
 * limits (Probot's runner only logs them) and gives up on a long primary-limit wait rather
 * than holding a webhook for an hour: reconcile is idempotent, so the next scan resumes.
 */
import { ProbotOctokit } from 'probot';

import { onRateLimit, onSecondaryRateLimit } from './rate-limits.js';

export { onRateLimit, onSecondaryRateLimit } from './rate-limits.js';

export const DriftgateOctokit = ProbotOctokit.defaults(
  (instanceOptions: { throttle?: Record<string, unknown> }) => ({
    ...instanceOptions,
    throttle: { ...instanceOptions.throttle, onSecondaryRateLimit, onRateLimit },
  }),
) as typeof ProbotOctokit;
