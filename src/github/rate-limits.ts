/**
 * How driftgate meets GitHub's rate limits, for every Octokit it builds (the app's and the
 * Action's): wait out secondary limits, and give up on a long primary-limit wait rather
 * than hold a job for an hour — reconcile is idempotent, so the next scan resumes.
 */
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
