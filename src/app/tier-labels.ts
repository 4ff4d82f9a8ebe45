/**
 * Tier labels on a driftgate PR, enforced. A person may raise the tier (more care is always
 * allowed: auto-merge stops at once); lowering it below the policy floor is undone with a
 * comment naming the rule. The floor is computed from the config on the default branch,
 * never read from the PR body, which anyone with write access can edit.
 */
import type { Context } from 'probot';
import { tierFloorFor } from '../policy/tiers.js';
import {
  LABEL_ADVISORY,
  decideMergeMode,
  decideTierLabels,
  type TierLabelDecision,
} from '../policy/merge.js';
import { parsePullRequestMeta } from '../github/pr-body.js';
import { repositoryFor, type AppEnvironment } from './environment.js';
import { parseAddress } from '../terraform/address.js';
import { readRepositoryConfig } from './config-check.js';
import { serialisePerRepository } from './scan-repository.js';

type LabelContext = Context<'pull_request.labeled' | 'pull_request.unlabeled'>;

export async function handleTierLabels(
  context: LabelContext,
  environment: AppEnvironment,
): Promise<TierLabelDecision | undefined> {
  const { pull_request: pr, repository, label, sender } = context.payload;
  if (!label?.name.startsWith('driftgate:tier-')) return undefined;
  if (pr.state !== 'open' || !pr.head.ref.startsWith('driftgate/')) return undefined;
  // Only a PR from this repository: a fork's PR cannot become a driftgate PR by its body.
  if (pr.head.repo?.full_name !== repository.full_name) return undefined;
  const owner = repository.owner.login;
  const repo = repository.name;
  const github = repositoryFor(context, environment, owner, repo, repository.default_branch);
  const meta = parsePullRequestMeta(github.records, pr.body);
  if (!meta) return undefined;
  return serialisePerRepository(`${owner}/${repo}`, async () => {
    const outcome = await readRepositoryConfig(context, owner, repo, repository.default_branch);
    if (outcome.kind !== 'valid') return undefined;
    const stack = outcome.config.stacks.find((candidate) => candidate.name === meta.stack);
    if (!stack || !parseAddress(meta.address)) return undefined;
    const floor = tierFloorFor(outcome.config.tiers, stack, meta.address);
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
    } else if (decision.tier === 1 && !pr.auto_merge && !pr.draft && sender.type !== 'Bot') {
      // A person brought the tier back down to the floor: auto-merge again. (driftgate's own
      // labelling at creation also sends this event; reconcile armed auto-merge itself then.)
      const mode = decideMergeMode(1, await github.mergeSettings());
      if (mode.kind === 'github-auto-merge') await github.enableAutoMerge(pr.node_id, pr.head.sha);
    }
    return decision;
  });
}
