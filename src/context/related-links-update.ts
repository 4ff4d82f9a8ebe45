/** Comment on the PRs of related drifts once per group; the dashboard remembers which. */
import type { DriftgateConfig } from '../config/schema.js';
import type { Dashboard } from '../github/dashboard.js';
import type { GitHubRepository } from '../github/repository.js';
import { relatedGroupsOf } from './dashboard-section.js';
import { relatedLinkComments } from './related-links.js';

/** Writes the comments a new group needs and sets `next.linkedGroups` (mutates `next` only). */
export async function ensureRelatedPullRequestsLinked(
  github: GitHubRepository,
  config: Pick<DriftgateConfig, 'cause'>,
  previous: Dashboard | undefined,
  next: Dashboard,
): Promise<void> {
  const groups = relatedGroupsOf(next.stacks, config.cause.group_window_minutes);
  const { comments, linked } = relatedLinkComments(groups, previous?.linkedGroups ?? []);
  for (const comment of comments) await github.comment(comment.pullRequest, comment.body);
  if (linked.length) next.linkedGroups = linked;
}
