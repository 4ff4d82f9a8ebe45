/**
 * Which remediation a PR proposes by default. Revert is the norm — the code is the
 * source of truth — except where reverting would do harm or undo a decision:
 * a change that narrowed exposure (reverting re-opens it), or one a human marked as a
 * hotfix with the configured tag. Pure.
 */
import type { Direction, Drift } from '../drift/model.js';

export interface DirectionDecision {
  direction: Direction;
  reason: string;
}

export function hasHotfixMarker(drift: Drift, hotfixTag: string): boolean {
  return drift.changes.some(
    (change) =>
      (change.path[0] === 'tags' || change.path[0] === 'tags_all') &&
      change.path[1] === hotfixTag &&
      change.live !== null,
  );
}

export function decideDirection(drift: Drift, hotfixTag: string): DirectionDecision {
  if (drift.security?.direction === 'narrowing' || drift.security?.direction === 'mixed') {
    return {
      direction: 'codify',
      reason: `the manual change narrowed exposure: ${drift.security.explanation}`,
    };
  }
  if (hasHotfixMarker(drift, hotfixTag)) {
    return {
      direction: 'codify',
      reason: `the resource carries the hotfix tag ${JSON.stringify(hotfixTag)}`,
    };
  }
  if (drift.action === 'delete') {
    return {
      direction: 'revert',
      reason: 'the resource was deleted outside Terraform; reverting recreates it from the code',
    };
  }
  return { direction: 'revert', reason: 'default: the code is the source of truth' };
}
