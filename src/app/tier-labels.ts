/**
 * Tier labels on a driftgate PR, enforced. A person may raise the tier (more care is always
 * allowed: auto-merge stops at once); lowering it below the policy floor is undone with a
 * comment naming the rule. The floor is computed from the config on the default branch,
 * never read from the PR body, which anyone with write access can edit.
 */
import { tierFloorFor } from '../policy/tiers.js';
import {
  LABEL_ADVISORY,
  decideMergeMode,
  decideTierLabels,
  type TierLabelDecision,
} from '../policy/merge.js';
import { parsePullRequestMeta } from '../github/pr-body.js';
import { repositoryFor } from './environment.js';
import { mayMerge, modeOf } from '../policy/modes.js';
import { parseAddress } from '../terraform/address.js';
import type { LabelsJob } from '../jobs/payloads.js';
import { readRepositoryConfig } from './config-check.js';
import type { JobContext } from './job-context.js';
import { policyTierFloor } from './policy-check.js';
import { readBreaker } from './breaker.js';
import { holdActive } from '../context/training.js';

/** A tier label added or removed on a driftgate branch: worth a labels job. */
export function isTierLabelEvent(label: string | undefined, headRef: string): boolean {
  return Boolean(label?.startsWith('driftgate:tier-') && headRef.startsWith('driftgate/'));
}

/**
 * The labels job (coalesced per PR: a burst of label events is one job and at most one
 * follow-up). The PR is read from GitHub when the job runs, so it acts on the labels as
 * they are then, not as one event saw them.
 */
export async function handleTierLabels(
  context: JobContext,
  job: LabelsJob,
): Promise<TierLabelDecision | undefined> {
  const { owner, repo, sender } = job;
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  const pr = await github.getPullRequest(job.pullNumber);
  if (pr.state !== 'open' || !pr.head.ref.startsWith('driftgate/')) return undefined;
  // Only a PR from this repository: a fork's PR cannot become a driftgate PR by its body.
  if (pr.head.repo?.full_name !== pr.base.repo.full_name) return undefined;
  const meta = parsePullRequestMeta(github.records, pr.body);
  if (!meta) return undefined;
  const outcome = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
  if (outcome.kind !== 'valid') return undefined;
  const stack = outcome.config.stacks.find((candidate) => candidate.name === meta.stack);
  if (!stack || !parseAddress(meta.address)) return undefined;
  // Policy findings on the PR's codify patch hold it at tier 2 too (driftgate/policy).
  const configured = tierFloorFor(outcome.config.tiers, stack, meta.address);
  const floor =
    configured.tier < 2 && (await policyTierFloor(github, pr.head.sha)) === 2
      ? { tier: 2 as const, reason: 'policy findings on the codify patch (driftgate/policy)' }
      : configured;
  // The payload's labels may already be stale when several label events arrive together.
  const { data: current } = await context.octokit.rest.issues.listLabelsOnIssue({
    owner,
    repo,
    issue_number: pr.number,
    per_page: 100,
  });
  const labels = current.map((entry) => entry.name);
  const decision = decideTierLabels(labels, floor);
  if (decision.labels) {
    const wanted =
      decision.tier === 3 ? [...new Set([...decision.labels, LABEL_ADVISORY])] : decision.labels;
    await github.ensureLabels(wanted);
    await github.setLabels(pr.number, wanted);
  } else if (decision.tier === 3 && !labels.includes(LABEL_ADVISORY)) {
    await github.ensureLabels([LABEL_ADVISORY]);
    await github.setLabels(pr.number, [...labels, LABEL_ADVISORY]);
  }
  if (decision.kind === 'restore')
    await github.comment(pr.number, `@${sender.login}: ${decision.comment}`);
  if (decision.tier > 1 && pr.auto_merge) {
    await github.disableAutoMerge(pr.node_id);
    await github.comment(
      pr.number,
      `Auto-merge disabled: this PR is now tier ${decision.tier}${decision.kind === 'raised' ? ` (raised by @${sender.login}; policy says ${decision.floor})` : ''}. ${decision.tier === 2 ? 'It needs an approving review from someone with write access.' : 'It is advisory: driftgate will not execute it.'}`,
    );
  } else if (
    decision.tier === 1 &&
    !pr.auto_merge &&
    !pr.draft &&
    sender.type !== 'Bot' &&
    mayMerge(modeOf(outcome.config, stack)) &&
    // A learner's hold (training mode) and an open circuit breaker keep auto-merge off.
    !holdActive(meta, context.now()) &&
    (await readBreaker(github, stack.name)).state !== 'open'
  ) {
    // A person brought the tier back down to the floor: auto-merge again. (driftgate's own
    // labelling at creation also sends this event; reconcile armed auto-merge itself then.)
    const mode = decideMergeMode(1, await github.mergeSettings());
    if (mode.kind === 'github-auto-merge') await github.enableAutoMerge(pr.node_id, pr.head.sha);
  }
  return decision;
}
