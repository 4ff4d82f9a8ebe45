/**
 * What a created or rewritten remediation PR carries for one drift: title, body, the
 * files of its branch (codify patch and ledger record), commit message, labels.
 */
import type { Direction, Drift, Tier } from '../drift/model.js';
import {
  pullRequestTitle,
  renderPullRequestBody,
  type PullRequestModel,
} from '../github/pr-body.js';
import type { FileToCommit, GitHubRepository } from '../github/repository.js';
import {
  LABEL_ADVISORY,
  decideMergeMode,
  describeMergeMode,
  tierLabel,
  type MergeMode,
  type RepositoryMergeSettings,
} from '../policy/merge.js';
import { unifiedDiff } from '../remediation/codify/diff.js';
import {
  commitLine,
  commitTrailers,
  ledgerPath,
  renderLedgerRecord,
} from '../remediation/ledger.js';
import { planRevert, type RevertPlan } from '../remediation/revert.js';
import { terraformTargetCommands } from '../remediation/shell.js';
import type { MetadataKey } from '../github/hidden-json.js';
import type { TerraformState } from '../terraform/state.js';
import { revertTargetOf, type PlanArtifact } from './detect-stack.js';
import { policySectionOf, tierWithPolicy, type PreparedCodify } from './policy-check.js';
import { LABEL_TRAINING, type TrainingAssignment } from '../context/training.js';

export interface DirectionChoice {
  direction: Direction;
  by: string;
}

/** Directions chosen by `/driftgate codify|revert`, by resource address. */
export type DirectionOverrides = Map<string, DirectionChoice>;

export async function remediationFor(
  key: MetadataKey,
  drift: Drift,
  files: FileToCommit[],
  state: TerraformState,
  now: Date,
  override: DirectionChoice | undefined,
  tier: Tier,
  mergeNote: string,
  plan: PlanArtifact | undefined,
  /** The stack's region: the printed aws commands carry it. */
  region: string,
  /** The codify patch and its policy verdict (policy-check.ts prepareCodify). */
  prepared: PreparedCodify,
  /** Training mode: the learner this PR goes to (src/context/training.ts). */
  training?: TrainingAssignment,
) {
  const direction = drift.direction ?? 'revert';
  const policyTier = drift.tier ?? 2;
  const revert: RevertPlan =
    drift.source === 'plan'
      ? {
          // A plan's drift can be of any provider, and its pre-check needs a new plan: it
          // is reverted by `terraform apply`, never by driftgate's own API calls.
          operations: [],
          refusals: [
            {
              path: '',
              reason:
                "found by a Terraform plan: reverted by `terraform apply -target` (the repository's apply workflow, when configured)",
            },
          ],
          terraformCommands: terraformTargetCommands(drift.address),
        }
      : planRevert(drift, { ...revertTargetOf(state, drift.address), region });
  const { codify } = prepared;
  const codifyRefusals = codify.refused.map((refusal) => ({
    subject: refusal.path || drift.address,
    reason: `${refusal.reason}${refusal.file ? ` (${refusal.file}${refusal.line ? `:${refusal.line}` : ''})` : ''}`,
  }));
  const model: PullRequestModel = {
    drift,
    direction,
    tier,
    revert,
    codifyDiff: unifiedDiff(codify),
    codifyRefusals,
    override,
    mergeNote,
    raisedFrom: tier > policyTier ? policyTier : undefined,
    plan,
    policySection: policySectionOf(prepared),
    raisedByPolicy: tier > policyTier && tierWithPolicy(policyTier, prepared) === tier,
    training,
  };
  const changedCode =
    direction === 'codify'
      ? [...codify.after]
          .filter(([path, text]) => text !== codify.before.get(path))
          .map(([path, content]) => ({ path, content }))
      : [];
  const ledger = {
    path: ledgerPath(drift, now),
    content: renderLedgerRecord({ drift, direction, tier, revert, date: now }),
  };
  const summary =
    drift.security && drift.security.direction !== 'neutral'
      ? `\n\nSecurity: ${drift.security.direction}: ${drift.security.explanation}.`
      : '';
  return {
    title: pullRequestTitle(model),
    body: renderPullRequestBody(key, model),
    files: [...changedCode, ledger],
    message: `driftgate: ${direction} drift on ${commitLine(drift.address)}${summary}\n\n${commitTrailers(drift, direction, tier)}\n`,
    labels: [
      tierLabel(tier),
      `driftgate:${direction}`,
      ...(tier === 3 ? [LABEL_ADVISORY] : []),
      ...(training ? [LABEL_TRAINING] : []),
    ],
    draft: tier === 3,
  };
}

export async function mergeModeFor(
  github: GitHubRepository,
  tier: Tier,
): Promise<{ mode: MergeMode; note: string }> {
  // Only tier 1 needs the repository's merge settings; tiers 2 and 3 cost no reads.
  const settings: RepositoryMergeSettings =
    tier === 1 ? await github.mergeSettings() : { allowAutoMerge: false, requiredChecks: [] };
  const mode = decideMergeMode(tier, settings);
  return { mode, note: describeMergeMode(mode, settings) };
}
