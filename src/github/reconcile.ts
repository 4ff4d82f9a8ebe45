/**
 * Pull-request reconcile, as pure decisions: given this scan's drifts for a stack and the
 * driftgate PRs GitHub already has, what must change? One PR per drifted resource, on a
 * deterministic branch; a changed drift updates its PR; a vanished drift closes it; a PR a
 * human closed unmerged is never re-opened for the same fingerprint (Renovate's "ignore").
 */
import type { Drift } from '../drift/model.js';
import { addressSlug } from '../terraform/address.js';
import type { PullRequestMeta } from './pr-body.js';

export const LABEL_RESOLVED = 'driftgate:resolved';
export const LABEL_IGNORED = 'driftgate:ignored';

export interface ExistingPullRequest {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  branch: string;
  labels: string[];
  meta: PullRequestMeta | undefined;
  nodeId: string;
  headSha: string;
  /** GitHub auto-merge is armed. */
  autoMerge: boolean;
  draft: boolean;
  createdAt: string;
}

export type ReconcileAction =
  | { kind: 'create'; drift: Drift; branch: string }
  | { kind: 'update'; drift: Drift; pullRequest: ExistingPullRequest }
  | { kind: 'unchanged'; drift: Drift; pullRequest: ExistingPullRequest }
  /** A human closed the PR for this very drift: leave it closed; say so once. */
  | { kind: 'respect-closed'; drift: Drift; pullRequest: ExistingPullRequest; notify: boolean }
  /** The drift is gone (fixed by hand, applied, or ignored): close its PR. */
  | { kind: 'close'; pullRequest: ExistingPullRequest; reason: string };

export function branchFor(stack: string, address: string): string {
  return `driftgate/${stack}/${addressSlug(address)}`;
}

/** Newest first, so the latest PR on a branch decides. */
function latestFirst(a: ExistingPullRequest, b: ExistingPullRequest): number {
  return b.number - a.number;
}

/** Closed by `/driftgate ignore for …` and that time has passed. */
function ignoreExpired(pullRequest: ExistingPullRequest, now: Date): boolean {
  const until = pullRequest.meta?.ignored_until;
  return until !== undefined && now.getTime() > Date.parse(`${until.slice(0, 10)}T23:59:59.999Z`);
}

export function planReconcile(
  stack: string,
  drifts: readonly Drift[],
  pullRequests: readonly ExistingPullRequest[],
  now: Date = new Date(),
): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const ours = pullRequests
    .filter((pullRequest) => pullRequest.branch.startsWith(`driftgate/${stack}/`))
    .sort(latestFirst);
  const wanted = new Set<string>();
  for (const drift of drifts) {
    const branch = branchFor(stack, drift.address);
    wanted.add(branch);
    const onBranch = ours.filter((pullRequest) => pullRequest.branch === branch);
    const open = onBranch.find((pullRequest) => pullRequest.state === 'open');
    if (open) {
      // A new fingerprint, or a direction switched by command, rewrites the PR.
      const same =
        open.meta?.fingerprint === drift.fingerprint &&
        open.meta.direction === (drift.direction ?? 'revert');
      actions.push(
        same
          ? { kind: 'unchanged', drift, pullRequest: open }
          : { kind: 'update', drift, pullRequest: open },
      );
      continue;
    }
    const sameDrift = onBranch.find(
      (pullRequest) =>
        pullRequest.meta?.fingerprint === drift.fingerprint &&
        !pullRequest.labels.includes(LABEL_RESOLVED),
    );
    if (sameDrift && !sameDrift.merged && !ignoreExpired(sameDrift, now)) {
      actions.push({
        kind: 'respect-closed',
        drift,
        pullRequest: sameDrift,
        notify: !sameDrift.labels.includes(LABEL_IGNORED),
      });
      continue;
    }
    if (sameDrift?.merged && !ignoreExpired(sameDrift, now)) {
      // Merged for this very drift: live and state converge once the change is applied.
      actions.push({ kind: 'unchanged', drift, pullRequest: sameDrift });
      continue;
    }
    actions.push({ kind: 'create', drift, branch });
  }
  for (const pullRequest of ours) {
    if (pullRequest.state === 'open' && !wanted.has(pullRequest.branch)) {
      actions.push({
        kind: 'close',
        pullRequest,
        reason: 'the drift is gone: live state matches the recorded state again',
      });
    }
  }
  return actions;
}
