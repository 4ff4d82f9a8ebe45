/**
 * What may merge, and how — pure decisions the app acts on. Tier 1 merges without a
 * reviewer (through GitHub's auto-merge when the repository can enforce checks, else by
 * driftgate once every check is green); tier 2 waits for an approving review; tier 3 is
 * advisory. Every "no" is a typed reason the app shows to people.
 */
import type { Tier } from '../drift/model.js';
import type { TierDecision } from './tiers.js';

export const TIER_LABELS = ['driftgate:tier-1', 'driftgate:tier-2', 'driftgate:tier-3'] as const;
export const LABEL_ADVISORY = 'driftgate:advisory';

export function tierLabel(tier: Tier): string {
  return `driftgate:tier-${tier}`;
}

/** The highest tier a PR's labels claim, if any. */
export function tierFromLabels(labels: readonly string[]): Tier | undefined {
  const tiers = labels
    .map((label) => /^driftgate:tier-([123])$/.exec(label)?.[1])
    .filter((tier): tier is string => tier !== undefined)
    .map(Number) as Tier[];
  return tiers.length ? (Math.max(...tiers) as Tier) : undefined;
}

export interface RepositoryMergeSettings {
  /** The repository's "Allow auto-merge" setting. */
  allowAutoMerge: boolean;
  /** Status checks branch protection requires on the default branch. */
  requiredChecks: string[];
}

export type MergeMode =
  | { kind: 'github-auto-merge' }
  | { kind: 'self-merge'; why: SelfMergeReason }
  | { kind: 'review-required' }
  | { kind: 'advisory' };

export type SelfMergeReason = 'auto-merge-disabled-in-repository' | 'no-required-checks';

export function decideMergeMode(tier: Tier, settings: RepositoryMergeSettings): MergeMode {
  if (tier === 3) return { kind: 'advisory' };
  if (tier === 2) return { kind: 'review-required' };
  if (!settings.allowAutoMerge)
    return { kind: 'self-merge', why: 'auto-merge-disabled-in-repository' };
  if (!settings.requiredChecks.length) return { kind: 'self-merge', why: 'no-required-checks' };
  return { kind: 'github-auto-merge' };
}

export function describeMergeMode(mode: MergeMode, settings: RepositoryMergeSettings): string {
  switch (mode.kind) {
    case 'github-auto-merge':
      return `GitHub auto-merge is enabled: it merges once the required checks (${settings.requiredChecks.map((name) => `\`${name}\``).join(', ')}) pass.`;
    case 'self-merge':
      return mode.why === 'auto-merge-disabled-in-repository'
        ? 'This repository does not allow auto-merge, so driftgate merges this PR itself once every check on it is green.'
        : 'Branch protection requires no status check, so GitHub auto-merge would merge at once; driftgate instead merges this PR itself once every check on it is green.';
    case 'review-required':
      return 'Needs an approving review from someone with write access before merging; driftgate executes it only then.';
    case 'advisory':
      return 'Advisory: merging records the decision; driftgate never executes it.';
  }
}

export interface CheckResult {
  name: string;
  status: string;
  conclusion: string | null;
}

export type ChecksVerdict =
  | { kind: 'green'; count: number }
  | { kind: 'pending'; names: string[] }
  | { kind: 'failing'; names: string[] };

const PASSING = new Set(['success', 'neutral', 'skipped']);

/** Are all checks on a commit done and passing? Commit statuses count as checks. */
export function checksVerdict(checks: readonly CheckResult[]): ChecksVerdict {
  const failing = checks.filter(
    (check) => check.status === 'completed' && !PASSING.has(check.conclusion ?? ''),
  );
  if (failing.length) return { kind: 'failing', names: failing.map((check) => check.name) };
  const pending = checks.filter((check) => check.status !== 'completed');
  if (pending.length) return { kind: 'pending', names: pending.map((check) => check.name) };
  return { kind: 'green', count: checks.length };
}

export type TierLabelDecision =
  | { kind: 'consistent'; tier: Tier; labels?: string[] }
  /** A person raised the tier above the floor: respected; tier 1 auto-merge stops. */
  | { kind: 'raised'; tier: Tier; floor: Tier; labels?: string[] }
  /** The labels say less than the policy floor (or nothing): put the floor back. */
  | { kind: 'restore'; tier: Tier; labels: string[]; comment: string };

/**
 * Tier labels against the policy floor. Raising is anyone's right (more care is always
 * allowed); lowering below the floor is undone, naming the rule that set it. `labels`,
 * when present, is the label set to write (one tier label, the highest that applies).
 */
export function decideTierLabels(
  labels: readonly string[],
  floor: TierDecision,
): TierLabelDecision {
  const claimed = tierFromLabels(labels);
  const tierLabels = labels.filter((label) => (TIER_LABELS as readonly string[]).includes(label));
  if (claimed !== undefined && claimed >= floor.tier) {
    const tidy =
      tierLabels.length > 1
        ? { labels: [...labels.filter((label) => !tierLabels.includes(label)), tierLabel(claimed)] }
        : {};
    return claimed === floor.tier
      ? { kind: 'consistent', tier: claimed, ...tidy }
      : { kind: 'raised', tier: claimed, floor: floor.tier, ...tidy };
  }
  return {
    kind: 'restore',
    tier: floor.tier,
    labels: [...labels.filter((label) => !tierLabels.includes(label)), tierLabel(floor.tier)],
    comment:
      claimed === undefined
        ? `The tier label was removed; restored \`${tierLabel(floor.tier)}\` (set by ${floor.reason}).`
        : `\`${tierLabel(claimed)}\` is below this drift's policy floor: restored \`${tierLabel(floor.tier)}\` (set by ${floor.reason}). Change the rule in \`.github/driftgate.yml\` to lower it.`,
  };
}
