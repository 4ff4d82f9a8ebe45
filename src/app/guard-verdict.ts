/**
 * The hotfix guard's verdict on an ordinary pull request, as pure data: which open drifts
 * applying the PR's stacks would revert, whether that must block the merge, and what to
 * do about each (docs/guardrails.md#hotfix-guard). No GitHub here.
 */
import type { Direction, Tier } from '../drift/model.js';
import { inlineCode, tableCell } from '../report/markdown.js';

export const GUARD_CHECK = 'driftgate/guard';
/** A check-run action's identifier (GitHub allows 20 characters): `codify-<PR number>`. */
export const CODIFY_ACTION = /^codify-(\d{1,12})$/;

/** A drift PR as the guard sees it. */
export interface GuardPullRequest {
  number: number;
  state: 'open' | 'merged' | 'closed';
  direction: Direction;
}

/** One open drift that applying the PR's stack would revert. */
export interface RevertedDrift {
  stack: string;
  address: string;
  tier: Tier;
  /** The manual change narrowed security exposure (narrowing or mixed): reverting re-opens it. */
  narrowing: boolean;
  hotfix: boolean;
  pullRequest: GuardPullRequest | undefined;
}

export interface GuardInput {
  /** The configured stacks the PR changes files of. */
  stacks: string[];
  reverted: RevertedDrift[];
  blockTiers: readonly Tier[];
  /** Plan-fed stacks whose drift PRs are open but whose plan for this PR has not arrived. */
  waitingForPlan: string[];
  /** Stacks the guard could not read (the message says why). */
  problems: { stack: string; message: string }[];
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface GuardVerdict {
  conclusion: 'success' | 'neutral' | 'failure' | 'pending';
  title: string;
  summary: string;
  actions: CheckRunAction[];
}

/** Why reverting this drift must block the merge, or undefined when it need not. */
export function blockReason(drift: RevertedDrift, blockTiers: readonly Tier[]): string | undefined {
  if (drift.narrowing) return 'the manual change narrowed security exposure: reverting re-opens it';
  if (drift.hotfix) return 'it is marked as a hotfix';
  if (blockTiers.includes(drift.tier))
    return `tier ${drift.tier} drift blocks (\`guard.block_tiers\`)`;
  return undefined;
}

function whatToDo(drift: RevertedDrift): string {
  const pr = drift.pullRequest;
  if (!pr)
    return 'no drift PR yet (hourly limit or `report` mode): codify it in this PR (`driftgate codify` writes the change), or wait for its PR';
  if (pr.state === 'open' && pr.direction === 'revert')
    return `codify first: comment \`/driftgate codify\` on #${pr.number} (or use "Codify #${pr.number}" above), or merge #${pr.number}; then update this branch`;
  if (pr.state === 'open')
    return `merge #${pr.number} first (it codifies the change), then update this branch`;
  if (pr.state === 'merged')
    return `#${pr.number} was merged but this branch does not have its change: update this branch`;
  return `#${pr.number} was closed (the drift was accepted as is): codify it in this PR (\`driftgate codify\` writes the change)`;
}

export function guardVerdict(input: GuardInput): GuardVerdict {
  const lines: string[] = [];
  const blocking = input.reverted.filter((drift) => blockReason(drift, input.blockTiers));
  if (!input.stacks.length)
    return {
      conclusion: 'success',
      title: 'touches no stack driftgate watches',
      summary: 'This pull request changes no file of a stack in `.github/driftgate.yml`.',
      actions: [],
    };
  lines.push(
    `Stacks this pull request changes: ${input.stacks.map((stack) => inlineCode(stack)).join(', ')}.`,
    '',
  );
  if (input.reverted.length) {
    lines.push(
      "Applying these stacks from this branch would revert drift that is live now and not in this branch's code:",
      '',
      '| Resource | Stack | Tier | Drift PR | Blocks? | What to do |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const drift of input.reverted) {
      const reason = blockReason(drift, input.blockTiers);
      lines.push(
        `| ${tableCell(inlineCode(drift.address))} | ${tableCell(inlineCode(drift.stack))} | ${drift.tier} | ${drift.pullRequest ? `#${drift.pullRequest.number}` : '—'} | ${reason ? `**yes**: ${reason}` : 'no'} | ${whatToDo(drift)} |`,
      );
    }
    lines.push('');
  }
  for (const problem of input.problems)
    lines.push(
      `Stack ${inlineCode(problem.stack)} could not be checked: ${inlineCode(problem.message.split('\n')[0] ?? '')}`,
      '',
    );
  for (const stack of input.waitingForPlan)
    lines.push(
      `Stack ${inlineCode(stack)} is fed by plans and has open drift: waiting for this pull request's plan (a \`driftgate-scan\` dispatch with \`pull_request\`, \`stack\`, \`plan_run_id\` and \`plan_artifact\`).`,
      '',
    );
  const actions: CheckRunAction[] = blocking
    .flatMap((drift) =>
      drift.pullRequest?.state === 'open' && drift.pullRequest.direction === 'revert'
        ? [drift.pullRequest.number]
        : [],
    )
    .filter((number, index, all) => all.indexOf(number) === index)
    .slice(0, 3)
    .map((number) => ({
      label: `Codify #${number}`.slice(0, 20),
      description: `Switch drift PR #${number} to codify`.slice(0, 40),
      identifier: `codify-${number}`,
    }));
  const conclusion: GuardVerdict['conclusion'] =
    blocking.length || input.problems.length
      ? 'failure'
      : input.waitingForPlan.length
        ? 'pending'
        : input.reverted.length
          ? 'neutral'
          : 'success';
  const title =
    conclusion === 'failure'
      ? blocking.length
        ? `would revert ${blocking.length} drift(s) that must be codified first`
        : 'could not check every stack'
      : conclusion === 'pending'
        ? 'waiting for the plan of this pull request'
        : conclusion === 'neutral'
          ? `would revert ${input.reverted.length} drift(s); none is a hotfix or narrows exposure`
          : 'reverts no open drift';
  if (!input.reverted.length && !input.problems.length && !input.waitingForPlan.length)
    lines.push(
      "No open drift would be reverted: every drift of these stacks is in this branch's code.",
    );
  return { conclusion, title, summary: lines.join('\n').trim(), actions };
}
