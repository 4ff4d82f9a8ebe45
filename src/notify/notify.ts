/**
 * Notifications of one batch (a scan, an execution): for each configured target, the events
 * it asked for, in one message. Target URLs come from the app's environment by name
 * (`DRIFTGATE_NOTIFY_<NAME>`, signing secret `DRIFTGATE_NOTIFY_<NAME>_SECRET`); the
 * repository config only names them, so a repository cannot point driftgate anywhere.
 */
import type { NotificationTarget } from '../config/schema-bounds.js';
import type { Logger } from '../jobs/job-layer.js';
import type { Metrics } from '../jobs/metrics.js';
import type { Notification } from './events.js';
import { slackMessage, webhookMessage, type RepositoryName } from './render.js';
import { sendMessage, type SendOptions } from './send.js';

export interface NotifyTargetEnvironment {
  url: string;
  secret: string | undefined;
  /**
   * The GitHub owners (organisations, users) whose repositories may send to this target,
   * from `DRIFTGATE_NOTIFY_<NAME>_OWNERS` (comma-separated); undefined: every installation.
   * An app installed in several organisations keeps one team's channel to that team.
   */
  owners?: ReadonlySet<string> | undefined;
}

const PREFIX = 'DRIFTGATE_NOTIFY_';

/** The targets the app's environment defines, by name. Read once, at start-up. */
export function notifyTargetsFrom(env: NodeJS.ProcessEnv): Map<string, NotifyTargetEnvironment> {
  const targets = new Map<string, NotifyTargetEnvironment>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(PREFIX) || /_(SECRET|OWNERS)$/.test(key) || !value) continue;
    const name = key.slice(PREFIX.length);
    const owners = env[`${key}_OWNERS`]
      ?.split(',')
      .map((owner) => owner.trim().toLowerCase())
      .filter(Boolean);
    targets.set(name, {
      url: value,
      secret: env[`${key}_SECRET`] || undefined,
      ...(owners?.length ? { owners: new Set(owners) } : {}),
    });
  }
  return targets;
}

export interface NotifyContext {
  targets: ReadonlyMap<string, NotifyTargetEnvironment> | undefined;
  metrics: Metrics;
  log: Pick<Logger, 'warn' | 'info'>;
  now: Date;
  send?: SendOptions;
}

export async function notify(
  context: NotifyContext,
  configured: readonly NotificationTarget[],
  repository: RepositoryName,
  items: readonly Notification[],
): Promise<void> {
  for (const target of configured) {
    const chosen = items.filter((item) => target.events.includes(item.event));
    if (!chosen.length) continue;
    const environment = context.targets?.get(target.target);
    if (!environment || (target.kind === 'webhook' && !environment.secret)) {
      context.metrics.notifications.inc({ kind: target.kind, result: 'unconfigured' });
      context.log.warn(
        { target: target.target, repository: `${repository.owner}/${repository.repo}` },
        target.kind === 'webhook' && environment
          ? `notification target has no DRIFTGATE_NOTIFY_${target.target}_SECRET: a webhook is always signed; not sent`
          : `no DRIFTGATE_NOTIFY_${target.target} in the app's environment; not sent`,
      );
      continue;
    }
    if (environment.owners && !environment.owners.has(repository.owner.toLowerCase())) {
      context.metrics.notifications.inc({ kind: target.kind, result: 'not-allowed' });
      context.log.warn(
        { target: target.target, repository: `${repository.owner}/${repository.repo}` },
        `DRIFTGATE_NOTIFY_${target.target}_OWNERS does not list this repository's owner; not sent`,
      );
      continue;
    }
    const result = await sendMessage(
      {
        name: target.target,
        url: environment.url,
        secret: target.kind === 'webhook' ? environment.secret : undefined,
        body:
          target.kind === 'slack'
            ? slackMessage(repository, chosen)
            : webhookMessage(repository, chosen, context.now),
      },
      { ...context.send, now: () => context.now },
    );
    context.metrics.notifications.inc({ kind: target.kind, result: result.kind });
    if (result.kind === 'failed')
      context.log.warn(
        { target: target.target, reason: result.reason },
        'notification not delivered',
      );
  }
}
