/**
 * One message per batch (a scan, an execution): Slack's incoming-webhook payload, or the
 * generic webhook's JSON. Pure. Slack text escapes `&`, `<` and `>` (its only control
 * characters), so nothing from the cloud or a PR can make a link or a mention.
 */
import type { Notification } from './events.js';

export interface RepositoryName {
  owner: string;
  repo: string;
}

function slackText(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function pullUrl(repository: RepositoryName, number: number): string {
  return `https://github.com/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.repo)}/pull/${number}`;
}

function slackLine(repository: RepositoryName, item: Notification): string {
  const pr = (number: number | undefined) =>
    number === undefined ? '' : ` <${pullUrl(repository, number)}|#${number}>`;
  switch (item.event) {
    case 'drift':
      return `• drift on \`${slackText(item.address)}\` (${slackText(item.stack)}): tier ${item.tier}, ${slackText(item.direction)}${item.security ? `; ${slackText(item.security)}` : ''}${pr(item.pullRequest) || ' (PR waits for the hourly limit)'}`;
    case 'flapping':
      return `• flapping: \`${slackText(item.address)}\` (${slackText(item.stack)}) keeps coming back; no longer reverted automatically; changed by ${item.actors.length ? item.actors.map(slackText).join(', ') : 'an actor CloudTrail did not name'}${pr(item.pullRequest)}`;
    case 'execution':
      return `• execution of${pr(item.pullRequest)} on \`${slackText(item.address)}\` (${slackText(item.stack)}): ${slackText(item.status)}`;
    case 'breaker':
      return `• circuit breaker opened in ${slackText(item.stack)}: ${slackText(item.cause)}; comment \`/driftgate resume\` to close it`;
    case 'guard':
      return `• guard failed on${pr(item.pullRequest)}: ${slackText(item.summary)}`;
  }
}

export function slackMessage(repository: RepositoryName, items: readonly Notification[]): string {
  const title = `driftgate · ${slackText(repository.owner)}/${slackText(repository.repo)}`;
  return JSON.stringify({
    text: [`*${title}*`, ...items.map((item) => slackLine(repository, item))].join('\n'),
  });
}

export function webhookMessage(
  repository: RepositoryName,
  items: readonly Notification[],
  sentAt: Date,
): string {
  return JSON.stringify({
    version: 1,
    repository: `${repository.owner}/${repository.repo}`,
    sent_at: sentAt.toISOString(),
    events: items.map((item) =>
      'pullRequest' in item && item.pullRequest !== undefined
        ? { ...item, pull_request_url: pullUrl(repository, item.pullRequest) }
        : item,
    ),
  });
}
