/**
 * Turn (recorded, live) values of one resource into a Drift: diff, mask, fingerprint.
 * Pure; used by the plan reader and by the live AWS scanner alike.
 */
import { assessSecurityChange } from '../policy/security-direction.js';
import type { AttributePath } from '../terraform/path.js';
import { diffValues, noSets, type SetPredicate } from './diff.js';
import { driftFingerprint } from './fingerprint.js';
import { maskChange } from './mask.js';
import type { Drift, DriftAction, DriftSource } from './model.js';

export interface DriftInput {
  stack: string;
  address: string;
  type: string;
  action: DriftAction;
  recorded: unknown;
  live: unknown;
  sensitivePaths: AttributePath[];
  isSet?: SetPredicate;
  source: DriftSource;
}

export function buildDrift(input: DriftInput): Drift {
  return driftOf(input, changesOf(input));
}

/**
 * The drift, or `null` when an update changes nothing. A scan compares every resource and
 * most are unchanged: they cost the diff alone, never a fingerprint or a security
 * assessment.
 */
export function findDrift(input: DriftInput): Drift | null {
  const changes = changesOf(input);
  return input.action === 'update' && changes.length === 0 ? null : driftOf(input, changes);
}

function changesOf(input: DriftInput): Drift['changes'] {
  return input.action === 'delete'
    ? []
    : diffValues(input.recorded, input.live, input.isSet ?? noSets).map((change) =>
        maskChange(change, input.sensitivePaths),
      );
}

function driftOf(input: DriftInput, changes: Drift['changes']): Drift {
  return {
    stack: input.stack,
    address: input.address,
    type: input.type,
    action: input.action,
    changes,
    fingerprint: driftFingerprint({
      stack: input.stack,
      address: input.address,
      action: input.action,
      changes,
    }),
    source: input.source,
    attribution: null,
    tier: null,
    tierReason: null,
    direction: null,
    directionReason: null,
    security: assessSecurityChange(
      input.type,
      input.recorded,
      input.action === 'delete' ? null : input.live,
    ),
  };
}
