/**
 * The default direction after the built-in decision (policy/direction.ts): a stale state
 * is codified (the code already says it; reverting would move live away from the code),
 * then the config's `direction_rules`, then precedent. A change that narrowed exposure or
 * carries the hotfix tag keeps its built-in decision: nothing here may re-open a hole. Pure.
 */
import type { DirectionRule } from '../config/schema-context.js';
import type { DirectionDecision } from '../policy/direction.js';
import { globMatcher } from '../drift/glob.js';
import type { Cause } from './cause.js';

export interface DirectionSubject {
  stack: string;
  environment: string;
  address: string;
  type: string;
  cause: Cause;
}

function criterion(patterns: string | readonly string[] | undefined): (value: string) => boolean {
  if (patterns === undefined) return () => true;
  return globMatcher(typeof patterns === 'string' ? [patterns] : patterns);
}

export function directionRuleDecider(
  rules: readonly DirectionRule[],
): (subject: DirectionSubject) => DirectionDecision | undefined {
  const compiled = rules.map((rule, index) => ({
    rule,
    index,
    cause: criterion(rule.match.cause),
    environment: criterion(rule.match.environment),
    type: criterion(rule.match.type),
    address: criterion(rule.match.address),
    stack: criterion(rule.match.stack),
  }));
  return (subject) => {
    // The first matching rule decides, as a reader of the list expects.
    const hit = compiled.find(
      (candidate) =>
        candidate.cause(subject.cause) &&
        candidate.environment(subject.environment) &&
        candidate.type(subject.type) &&
        candidate.address(subject.address) &&
        candidate.stack(subject.stack),
    );
    if (!hit) return undefined;
    return {
      direction: hit.rule.direction,
      reason: `direction_rules[${hit.index}]${hit.rule.reason ? `: ${hit.rule.reason}` : ` (cause ${subject.cause})`}`,
    };
  };
}

/** Built-in decisions that nothing may override: they protect against re-opening exposure. */
export function isProtectedDirection(
  security: { direction: string } | null,
  hasHotfixTag: boolean,
): boolean {
  return security?.direction === 'narrowing' || security?.direction === 'mixed' || hasHotfixTag;
}

export const STALE_STATE_DIRECTION: DirectionDecision = {
  direction: 'codify',
  reason:
    'the code already equals live and only the recorded state is behind: nothing to change in the code or live (`terraform apply -refresh-only` records it); reverting would move live away from the code',
};
