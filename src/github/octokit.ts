/**
 * driftgate's Octokit: Probot's, with throttling that waits out GitHub's secondary rate
 * limits (Probot's runner only logs them) and gives up on a long primary-limit wait rather
 * than holding a webhook for an hour: reconcile is idempotent, so the next scan resumes.
 */
import { ProbotOctokit } from 'probot';

interface ThrottledRequest {
  method: string;
  url: string;
}

interface Logger {
  warn: (message: string) => void;
}

/** Secondary limits come in bursts: wait as GitHub asks, up to three times. */
export function onSecondaryRateLimit(
  retryAfter: number,
  options: ThrottledRequest,
  octokit: { log: Logger },
  retryCount: number,
): boolean {
  octokit.log.warn(
    `secondary rate limit on ${options.method} ${options.url}; ${retryCount < 3 ? `retrying in ${retryAfter}s` : 'giving up'}`,
  );
  return retryCount < 3;
}

/** The hourly quota: retry once when it resets within a minute. */
export function onRateLimit(
  retryAfter: number,
  options: ThrottledRequest,
  octokit: { log: Logger },
  retryCount: number,
): boolean {
  const retry = retryCount < 1 && retryAfter <= 60;
  octokit.log.warn(
    `rate limit on ${options.method} ${options.url}; ${retry ? `retrying in ${retryAfter}s` : 'giving up until the next scan'}`,
  );
  return retry;
}

export const DriftgateOctokit = ProbotOctokit.defaults(
  (instanceOptions: { throttle?: Record<string, unknown> }) => ({
    ...instanceOptions,
    throttle: { ...instanceOptions.throttle, onSecondaryRateLimit, onRateLimit },
  }),
) as typeof ProbotOctokit;
