/**
 * The automerge job: tier-1 PRs in a repository where GitHub cannot auto-merge them are
 * merged by driftgate once every check on their head is green (run after a scan and when
 * a check suite on a driftgate branch completes).
 */
import type { GitHubRepository } from '../github/repository.js';
import { readBreaker } from './breaker.js';
import { checksVerdict, decideMergeMode, tierFromLabels } from '../policy/merge.js';
import { holdActive } from '../context/training.js';

export type SelfMergeOutcome =
  { number: number; kind: 'merged' } | { number: number; kind: 'waiting'; reason: string };

/**
 * Tier-1 PRs in a repository where GitHub cannot auto-merge them: merge each once every
 * check on its head is green. A PR opened in this very pass waits for the next one, so
 * CI has a chance to start and people a chance to look.
 */
export async function mergeGreenTierOnePullRequests(
  github: GitHubRepository,
  openedNow: ReadonlySet<number> = new Set(),
  /** The stack's mode allows merging (docs/guardrails.md#modes); default: every stack. */
  mayMergeStack: (stack: string) => boolean = () => true,
  now: Date = new Date(),
): Promise<SelfMergeOutcome[]> {
  const outcomes: SelfMergeOutcome[] = [];
  const candidates = (await github.listDriftgatePullRequests()).filter(
    (pullRequest) =>
      pullRequest.state === 'open' &&
      pullRequest.meta &&
      !pullRequest.draft &&
      tierFromLabels(pullRequest.labels) === 1 &&
      !openedNow.has(pullRequest.number) &&
      mayMergeStack(pullRequest.meta.stack) &&
      // Training mode: the learner's hold keeps every kind of auto-merge off.
      !holdActive(pullRequest.meta, now),
  );
  if (!candidates.length) return outcomes;
  const mode = decideMergeMode(1, await github.mergeSettings());
  // An open circuit breaker stops tier-1 merges in its stack, and arming auto-merge (docs/guardrails.md).
  const breakers = new Map<string, Promise<boolean>>();
  const breakerOpen = (stack: string) => {
    if (!breakers.has(stack))
      breakers.set(
        stack,
        readBreaker(github, stack).then((breaker) => breaker.state === 'open'),
      );
    return breakers.get(stack)!;
  };
  if (mode.kind === 'github-auto-merge') {
    // A training PR whose hold ended: arm GitHub's auto-merge, as at any tier-1 PR's opening.
    for (const pullRequest of candidates)
      if (
        pullRequest.meta?.hold_until &&
        !pullRequest.autoMerge &&
        !(await breakerOpen(pullRequest.meta.stack))
      )
        await github.enableAutoMerge(pullRequest.nodeId, pullRequest.headSha);
    return outcomes;
  }
  if (mode.kind !== 'self-merge') return outcomes;
  for (const pullRequest of candidates) {
    if (await breakerOpen(pullRequest.meta!.stack)) {
      outcomes.push({
        number: pullRequest.number,
        kind: 'waiting',
        reason: `circuit breaker of ${pullRequest.meta!.stack} is open`,
      });
      continue;
    }
    const verdict = checksVerdict(await github.checksOn(pullRequest.headSha));
    if (verdict.kind !== 'green') {
      outcomes.push({
        number: pullRequest.number,
        kind: 'waiting',
        reason: `${verdict.kind}: ${verdict.names.join(', ')}`,
      });
      continue;
    }
    await github.mergePullRequest(
      pullRequest.number,
      pullRequest.headSha,
      `driftgate: ${pullRequest.meta!.direction} drift on ${pullRequest.meta!.address}`,
    );
    outcomes.push({ number: pullRequest.number, kind: 'merged' });
  }
  return outcomes;
}
