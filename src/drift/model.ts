/**
 * The Drift model every part of driftgate shares: one managed resource whose live value
 * differs from the recorded state. Pure data; no I/O.
 */
import type { SecurityAssessment } from '../policy/security-direction.js';
import type { AttributePath } from '../terraform/path.js';
import type { Cause } from '../context/cause.js';
import type { Precedent } from '../context/precedent.js';

export type DriftAction = 'update' | 'delete';
export type Tier = 1 | 2 | 3;
export type Direction = 'revert' | 'codify';
export type DriftSource = 'plan' | 'aws';
export type AttributionSkipped = 'off' | 'plan';

/** Why no one is named for a drift, in words every output uses. */
export function attributionSkippedText(skipped: AttributionSkipped): string {
  return skipped === 'off'
    ? 'not looked up: attribution is off in the config (attribution.source: off)'
    : 'not looked up: drift from a plan is not attributed (CloudTrail is read by live scans)';
}

/** Shown instead of any value Terraform marks sensitive. */
export const SENSITIVE = '(sensitive)';

export interface AttributeChange {
  path: AttributePath;
  /** Value recorded in state (what the code last applied); `null` when absent. */
  recorded: unknown;
  /** Value found live; `null` when absent. */
  live: unknown;
  /** True when the value is (or contains) something sensitive; values are already masked. */
  sensitive: boolean;
  /**
   * For a change inside an element of a set of blocks (`ingress[1].cidr_blocks`, the index
   * of the element in the recorded list): the whole element before and after, so codify
   * and revert find the block by content, not by index.
   */
  element?: { path: AttributePath; recorded: unknown; live: unknown };
  /**
   * A whole element added to or removed from a set of blocks. `path` is the set itself
   * (`ingress`, never an index: set elements have no position), and `recorded` (removed)
   * or `live` (added) is the element; the other side is null.
   */
  setElement?: SetElementChange;
}

export type SetElementChange = 'added' | 'removed';

export interface Attribution {
  actor: string;
  actorType: 'iam-user' | 'assumed-role' | 'sso-user' | 'root' | 'aws-service' | 'unknown';
  time: string;
  eventName: string;
  sourceIp: string | undefined;
  via: 'console' | 'cli' | 'sdk' | 'terraform' | 'unknown';
  userAgent: string | undefined;
  /** The role an assumed-role session came from (its ARN): how a Terraform role is told apart. */
  role?: string | undefined;
  /** CloudTrail's eventID: drifts in several stacks from one event share it. */
  eventId?: string | undefined;
}

export interface Drift {
  stack: string;
  address: string;
  type: string;
  action: DriftAction;
  changes: AttributeChange[];
  /** Stable hash of stack, address, action and the (masked) changes. */
  fingerprint: string;
  source: DriftSource;
  attribution: Attribution | null;
  /**
   * Why `attribution` is null when CloudTrail was never asked: attribution is off in the
   * config, or the drift came from a plan (plan-fed scans do not read CloudTrail).
   * Absent when CloudTrail was asked (and did not say, when attribution is null).
   */
  attributionSkipped?: AttributionSkipped | undefined;
  tier: Tier | null;
  /** The rule that set the tier, for the report and the PR. */
  tierReason: string | null;
  direction: Direction | null;
  /** Why that direction: the rule a reviewer can check. */
  directionReason: string | null;
  /** Widening / narrowing of security exposure; null for types without rules. */
  security: SecurityAssessment | null;
  /** Why it happened (docs/context.md); set by classification. */
  cause?: Cause | undefined;
  causeReason?: string | undefined;
  /** Past decisions on similar drifts, from the ledger on the default branch. */
  precedent?: Precedent | undefined;
}
