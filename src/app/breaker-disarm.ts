/**
 * When a stack's circuit breaker opens, GitHub auto-merge armed earlier on the stack's open
 * drift PRs is disarmed (docs/guardrails.md#circuit-breaker): otherwise a green tier-1 PR
 * would still merge by itself while the breaker says "nothing by itself here". Its
 * execution would wait, but the merge is already a change a person did not look at.
 */
import type { GitHubRepository } from '../github/repository.js';
import { tierFromLabels } from '../policy/merge.js';
import { inlineCode } from '../report/markdown.js';

/** Disarm auto-merge on the open tier-1 drift PRs of `stack`; returns the PR numbers. */
export async function disarmAutoMerge(
  github: GitHubRepository,
  stack: string,
  log: { warn: (fields: object, message: string) => void },
): Promise<number[]> {
  const armed = (await github.listDriftgatePullRequests()).filter(
    (pullRequest) =>
      pullRequest.state === 'open' &&
      pullRequest.autoMerge &&
      pullRequest.meta?.stack === stack &&
      tierFromLabels(pullRequest.labels) === 1,
  );
  const disarmed: number[] = [];
  for (const pullRequest of armed) {
    try {
      await github.disableAutoMerge(pullRequest.nodeId);
    } catch (error) {
      // The breaker stays open either way: executions wait, whatever merges.
      log.warn(
        { pullRequest: pullRequest.number, error: (error as Error).message },
        'could not disable auto-merge',
      );
      continue;
    }
    disarmed.push(pullRequest.number);
    await github.comment(
      pullRequest.number,
      `Auto-merge disabled: the circuit breaker of stack ${inlineCode(stack)} is open. After someone with write access comments \`/driftgate resume\`, the next rewrite of this PR arms it again (or merge it by hand).`,
    );
  }
  return disarmed;
}
