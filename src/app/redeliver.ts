/**
 * The redelivery job: GitHub does not retry a webhook delivery that failed (the service
 * was down, or answered an error). Every few minutes, list the app's recent deliveries and
 * ask GitHub to redeliver the ones whose every attempt failed — each at most once (a
 * set-once key in the job layer), at most `limit` per run, over the last `hours`.
 */
import type { Probot } from 'probot';
import type { JobLayer } from '../jobs/job-layer.js';

interface Delivery {
  id: number;
  guid: string;
  status_code: number;
  delivered_at: string;
  redelivery: boolean;
}

export async function redeliverFailed(
  app: Probot,
  jobs: JobLayer,
  options: { now?: Date; hours?: number; limit?: number; pages?: number } = {},
): Promise<{ redelivered: string[] }> {
  const now = options.now ?? new Date();
  const since = now.getTime() - (options.hours ?? 6) * 3_600_000;
  const octokit = await app.auth();
  const byGuid = new Map<string, Delivery[]>();
  let cursor: string | undefined;
  for (let page = 0; page < (options.pages ?? 5); page++) {
    const response = await octokit.request('GET /app/hook/deliveries', {
      per_page: 100,
      ...(cursor ? { cursor } : {}),
    });
    const deliveries = response.data as Delivery[];
    for (const delivery of deliveries)
      byGuid.set(delivery.guid, [...(byGuid.get(delivery.guid) ?? []), delivery]);
    const oldest = deliveries.at(-1);
    cursor = /[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(response.headers.link ?? '')?.[1];
    if (!cursor || !oldest || Date.parse(oldest.delivered_at) < since) break;
  }
  const redelivered: string[] = [];
  for (const [guid, attempts] of byGuid) {
    if (redelivered.length >= (options.limit ?? 50)) break;
    const first = attempts.reduce((a, b) =>
      Date.parse(a.delivered_at) <= Date.parse(b.delivered_at) ? a : b,
    );
    if (Date.parse(first.delivered_at) < since) continue;
    if (attempts.some((attempt) => attempt.status_code >= 200 && attempt.status_code < 300))
      continue;
    // Once per delivery, whichever instance runs this job.
    if (!(await jobs.claimOnce(`redelivered:${guid}`, 24 * 3_600_000))) continue;
    await octokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', {
      delivery_id: first.id,
    });
    redelivered.push(guid);
  }
  if (redelivered.length)
    app.log.info(
      { count: redelivered.length },
      'asked GitHub to redeliver failed webhook deliveries',
    );
  return { redelivered };
}
