/**
 * The context a scan adds to each drift: its cause, the precedent from the ledger, and the
 * default direction they lead to (after the protected built-in decisions). Pure; called by
 * scan/classify.ts once per drift.
 */
import type { CauseSettings, DirectionRule } from '../config/schema-context.js';
import type { Drift } from '../drift/model.js';
import type { DirectionDecision } from '../policy/direction.js';
import type { TerraformStack } from '../terraform/stack.js';
import { causeClassifier, type CauseDecision } from './cause.js';
import {
  directionRuleDecider,
  isProtectedDirection,
  STALE_STATE_DIRECTION,
} from './direction-rules.js';
import {
  findPrecedent,
  majorityDirection,
  precedentDirectionReason,
  type PastDecision,
  type Precedent,
} from './precedent.js';
import { codeAlreadyEqualsLive } from './stale-state.js';

export interface ContextSettings {
  cause?: CauseSettings | undefined;
  direction_rules?: DirectionRule[] | undefined;
  precedent?: 'show' | 'follow' | 'off' | undefined;
}

export interface DriftContext {
  cause: CauseDecision;
  precedent: Precedent | undefined;
}

export function contextClassifier(
  settings: ContextSettings,
  stack: TerraformStack | undefined,
  pastDecisions: readonly PastDecision[],
) {
  const classifyCause = causeClassifier(settings.cause?.terraform_roles ?? []);
  const byRule = directionRuleDecider(settings.direction_rules ?? []);
  const precedentMode = settings.precedent ?? 'show';
  return {
    contextOf(drift: Drift): DriftContext {
      const cause = classifyCause({
        attribution: drift.attribution,
        attributionSkipped: drift.attributionSkipped,
        codeEqualsLive: codeAlreadyEqualsLive(stack, drift),
      });
      const precedent = precedentMode === 'off' ? undefined : findPrecedent(drift, pastDecisions);
      return { cause, precedent };
    },
    /** The default direction once the context is known; `base` is policy/direction.ts's. */
    direction(
      drift: Drift,
      context: DriftContext,
      base: DirectionDecision,
      subject: { stack: string; environment: string; hasHotfixTag: boolean },
    ): DirectionDecision {
      if (isProtectedDirection(drift.security, subject.hasHotfixTag)) return base;
      if (context.cause.cause === 'stale-state') return STALE_STATE_DIRECTION;
      const ruled = byRule({
        stack: subject.stack,
        environment: subject.environment,
        address: drift.address,
        type: drift.type,
        cause: context.cause.cause,
      });
      if (ruled) return ruled;
      if (precedentMode === 'follow') {
        const majority = majorityDirection(context.precedent);
        if (majority && context.precedent)
          return {
            direction: majority,
            reason: precedentDirectionReason(context.precedent, majority),
          };
      }
      return base;
    },
  };
}
