/**
 * Which webhook events feed the hotfix guard, as jobs (the web side calls these; see
 * src/index.ts): an ordinary PR opened or pushed is guarded; a drift PR that changes
 * (opened, pushed, merged, closed, hotfix label) re-evaluates every open ordinary PR.
 */
import type { JobInput, RepositoryRef } from '../jobs/payloads.js';
import { GUARD_CHECK } from './guard-verdict.js';
import { isOwnPullRequest, LABEL_HOTFIX } from './guard.js';

interface PullRequestPayload {
  number: number;
  head: { ref: string; repo?: { full_name: string } | null };
}

/** pull_request opened / reopened / synchronize / ready_for_review. */
export function guardJobsForPullRequest(
  ref: RepositoryRef,
  repository: string,
  pr: PullRequestPayload,
): JobInput[] {
  return isOwnPullRequest(pr.head.ref, pr.head.repo?.full_name, repository)
    ? [{ kind: 'guard-refresh', ...ref }]
    : [{ kind: 'guard', ...ref, pullNumber: pr.number }];
}

/** A drift PR closed or merged, or its hotfix label changed: re-evaluate the guards. */
export function guardRefreshFor(
  ref: RepositoryRef,
  repository: string,
  pr: PullRequestPayload,
  label?: string,
): JobInput[] {
  if (!isOwnPullRequest(pr.head.ref, pr.head.repo?.full_name, repository)) return [];
  if (label !== undefined && label !== LABEL_HOTFIX) return [];
  return [{ kind: 'guard-refresh', ...ref }];
}

interface CheckRunPayload {
  id: number;
  name: string;
  pull_requests?: { number: number }[] | null;
}

/** "Re-run" on the guard: guard the PR again. Undefined when the run is not the guard's. */
export function guardRerun(ref: RepositoryRef, run: CheckRunPayload): JobInput[] | undefined {
  if (run.name !== GUARD_CHECK) return undefined;
  return (run.pull_requests ?? []).map((pr) => ({
    kind: 'guard' as const,
    ...ref,
    pullNumber: pr.number,
  }));
}

/** A button on the guard pressed. */
export function guardAction(
  ref: RepositoryRef,
  run: CheckRunPayload,
  identifier: string | undefined,
  sender: { login: string; type: string },
): JobInput[] {
  if (run.name !== GUARD_CHECK || !identifier || identifier.length > 20) return [];
  const guarded = run.pull_requests?.[0]?.number;
  return [
    {
      kind: 'guard-action',
      ...ref,
      checkRunId: run.id,
      identifier,
      ...(guarded ? { guardedPullNumber: guarded } : {}),
      sender: { login: sender.login, type: sender.type },
    },
  ];
}
