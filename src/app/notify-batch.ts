/** Send one batch of notifications for a job (a scan, an execution): see src/notify/. */
import type { DriftgateConfig } from '../config/schema.js';
import type { Notification } from '../notify/events.js';
import { notify } from '../notify/notify.js';
import type { JobContext } from './job-context.js';

export async function notifyBatch(
  context: JobContext,
  config: DriftgateConfig,
  repository: { owner: string; repo: string },
  items: readonly Notification[],
): Promise<void> {
  if (!items.length || !config.notifications.length) return;
  await notify(
    {
      targets: context.environment.notifyTargets,
      metrics: context.jobs.metrics,
      log: context.log,
      now: context.now(),
    },
    config.notifications,
    repository,
    items,
  );
}
