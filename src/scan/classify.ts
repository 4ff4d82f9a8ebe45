/**
 * After drift is found: apply what the team chose to ignore, then decide each drift's
 * tier, security direction and default remediation direction. Pure.
 */
import type { DriftgateConfig } from '../config/schema.js';
import { applyIgnoreChanges, applyIgnoreRules } from '../drift/ignore.js';
import type { Drift } from '../drift/model.js';
import {
  applyProviderTagRules,
  providerTagRulesFor,
  providerTagRuleWarnings,
} from '../drift/tag-rules.js';
import { decideDirection, hasHotfixMarker } from '../policy/direction.js';
import { contextClassifier, type ContextSettings } from '../context/classify-context.js';
import type { PastDecision } from '../context/precedent.js';
import { tierDecider } from '../policy/tiers.js';
import { findResource, type TerraformStack } from '../terraform/stack.js';

export const DEFAULT_HOTFIX_TAG = 'driftgate:hotfix';

export interface ClassifyInput {
  drifts: Drift[];
  stack: TerraformStack | undefined;
  stackName: string;
  environment: string;
  config: Pick<DriftgateConfig, 'ignore' | 'tiers'> &
    Partial<Pick<DriftgateConfig, 'hotfix_tag'>> &
    ContextSettings;
  now: Date;
  /** Past decisions from the ledger on the default branch (docs/context.md#precedent). */
  pastDecisions?: readonly PastDecision[] | undefined;
}

export interface ClassifyOutput {
  drifts: Drift[];
  warnings: string[];
}

export function classifyDrifts(input: ClassifyInput): ClassifyOutput {
  const afterLifecycle: Drift[] = [];
  for (const drift of input.drifts) {
    // The provider never reports tags it ignores (`aws:*`, ignore_tags): neither does driftgate.
    const visible = applyProviderTagRules(drift, providerTagRulesFor(input.stack, drift.address));
    if (!visible) continue;
    // Only root-module resources have their declaration in this stack's files.
    const declaration =
      input.stack && !drift.address.startsWith('module.')
        ? findResource(input.stack, drift.address)
        : undefined;
    const kept = declaration ? applyIgnoreChanges(visible, declaration.ignoreChanges) : visible;
    if (kept) afterLifecycle.push(kept);
  }
  const { drifts, expiredRules } = applyIgnoreRules(afterLifecycle, input.config.ignore, input.now);
  const warnings = [
    ...providerTagRuleWarnings(input.stack),
    ...expiredRules.map(
      (rule) =>
        `ignore rule for ${rule.address} expired on ${rule.until}${rule.reason ? ` (${rule.reason})` : ''}: its drift is reported again`,
    ),
  ];
  const decideTier = tierDecider(input.config.tiers.rules, input.config.tiers.use_defaults);
  const context = contextClassifier(input.config, input.stack, input.pastDecisions ?? []);
  const hotfixTag = input.config.hotfix_tag ?? DEFAULT_HOTFIX_TAG;
  const tiered = drifts.map((drift) => {
    const found = context.contextOf(drift);
    const decision = decideTier({
      stack: input.stackName,
      environment: input.environment,
      address: drift.address,
      type: drift.type,
      cause: found.cause.cause,
    });
    const direction = context.direction(drift, found, decideDirection(drift, hotfixTag), {
      stack: input.stackName,
      environment: input.environment,
      hasHotfixTag: hasHotfixMarker(drift, hotfixTag),
    });
    return {
      ...drift,
      cause: found.cause.cause,
      causeReason: found.cause.reason,
      ...(found.precedent ? { precedent: found.precedent } : {}),
      tier: decision.tier,
      tierReason: decision.reason,
      direction: direction.direction,
      directionReason: direction.reason,
    };
  });
  return { drifts: tiered, warnings };
}
