/**
 * The `guard` notification (docs/guardrails.md#notifications): a pull request's hotfix guard
 * failed. One line: the check's title and the drifts that block (or the stacks it could not
 * read), so the person reading it in chat knows which PR and which resources. Pure.
 */
import type { Notification } from '../notify/events.js';
import { blockReason, type GuardInput, type GuardVerdict } from './guard-verdict.js';

const MAX_NAMED = 5;

export function guardFailureNotification(
  pullRequest: number,
  verdict: GuardVerdict,
  input: GuardInput,
): Notification {
  const named = [
    ...input.reverted
      .filter((drift) => blockReason(drift, input.blockTiers))
      .map((drift) => `${drift.address} (${drift.stack})`),
    ...input.problems.map((problem) => `stack ${problem.stack} could not be checked`),
  ];
  const more = named.length > MAX_NAMED ? `, and ${named.length - MAX_NAMED} more` : '';
  return {
    event: 'guard',
    pullRequest,
    summary: `${verdict.title}: ${named.slice(0, MAX_NAMED).join(', ')}${more}`,
  };
}
