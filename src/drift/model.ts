/**
 * The Drift model every part of driftgate shares: one managed resource whose live value
 * differs from the recorded state. Pure data; no I/O.
 */
import type { SecurityAssessment } from '../policy/security-direction.js';
import type { AttributePath } from '../terraform/path.js';

export type DriftAction = 'update' | 'delete';
export type Tier = 1 | 2 | 3;
export type Direction = 'revert' | 'codify';
export type DriftSource = 'plan' | 'aws';

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
   * For a change inside an element of a set of blocks (`ingress[1].cidr_blocks`): the whole
   * element before and after, so codify can find the block by content, not by index.
   */
  element?: { path: AttributePath; recorded: unknown; live: unknown };
}

export interface Attribution {
  actor: string;
  actorType: 'iam-user' | 'assumed-role' | 'sso-user' | 'root' | 'aws-service' | 'unknown';
  time: string;
  eventName: string;
  sourceIp: string | undefined;
  via: 'console' | 'cli' | 'sdk' | 'terraform' | 'unknown';
  userAgent: string | undefined;
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
  tier: Tier | null;
  /** The rule that set the tier, for the report and the PR. */
  tierReason: string | null;
  direction: Direction | null;
  /** Why that direction: the rule a reviewer can check. */
  directionReason: string | null;
  /** Widening / narrowing of security exposure; null for types without rules. */
  security: SecurityAssessment | null;
}
