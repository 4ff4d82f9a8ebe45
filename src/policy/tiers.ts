/**
 * Tiers decide what may merge on its own. Every matching rule sets a floor and the
 * strictest floor wins, so adding a rule can only make driftgate more careful.
 * 1 = auto-merge, 2 = approving review required, 3 = advisory (never executed).
 */
import type { DriftgateConfig, TierRule } from '../config/schema.js';
import { parseAddress } from '../terraform/address.js';
import { globMatcher } from '../drift/glob.js';
import type { Tier } from '../drift/model.js';
import { CAUSES, type Cause } from '../context/cause.js';

export interface TierSubject {
  stack: string;
  environment: string;
  address: string;
  type: string;
  /** Why it drifted; absent where it is not known (then a `cause` rule matches `unknown`). */
  cause?: Cause | undefined;
}

export interface TierDecision {
  tier: Tier;
  reason: string;
}

const SECURITY_AND_IDENTITY = [
  'aws_security_group*',
  'aws_vpc_security_group_*',
  'aws_default_security_group',
  'aws_iam_*',
];
const CORE_PRODUCTION = [
  'aws_vpc',
  'aws_subnet',
  'aws_route_table',
  'aws_route',
  'aws_network_acl*',
  'aws_internet_gateway',
  'aws_nat_gateway',
  'aws_db_*',
  'aws_rds_*',
  'aws_lb',
  'aws_lb_*',
  'aws_alb*',
  'aws_elb',
];

export const DEFAULT_TIER_RULES: TierRule[] = [
  { match: { environment: ['dev', 'development', 'sandbox'] }, tier: 1, reason: 'dev environment' },
  { match: { environment: ['staging', 'stage'] }, tier: 2, reason: 'staging environment' },
  { match: { environment: ['prod', 'production'] }, tier: 2, reason: 'production environment' },
  { match: { type: SECURITY_AND_IDENTITY }, tier: 2, reason: 'security group or IAM' },
  {
    match: { type: ['aws_db_instance', 'aws_lb', 'aws_lb_listener', 'aws_lb_target_group'] },
    tier: 3,
    reason: 'database or load balancer (advisory: never executed)',
  },
  {
    match: { environment: ['prod', 'production'], type: CORE_PRODUCTION },
    tier: 3,
    reason: 'core production (network, database, load balancer)',
  },
];

/** With no rule matching at all, a human still reviews: tier 2. */
const FALLBACK: TierDecision = { tier: 2, reason: 'no tier rule matched (default)' };

/** A rule's criterion: absent matches everything. */
function criterion(patterns: string | string[] | undefined): (value: string) => boolean {
  if (patterns === undefined) return () => true;
  return globMatcher(Array.isArray(patterns) ? patterns : [patterns]);
}

function describeRule(rule: TierRule, index: number, builtIn: boolean): string {
  if (rule.reason)
    return builtIn ? `built-in rule: ${rule.reason}` : `tiers.rules[${index}]: ${rule.reason}`;
  return `tiers.rules[${index}]`;
}

export function decideTier(
  subject: TierSubject,
  rules: TierRule[],
  useDefaults = true,
): TierDecision {
  return tierDecider(rules, useDefaults)(subject);
}

/**
 * `decideTier` with the rules' globs compiled once: for deciding many drifts against one
 * config (a scan), where compiling per drift and rule dominated classification.
 */
export function tierDecider(
  rules: TierRule[],
  useDefaults = true,
): (subject: TierSubject) => TierDecision {
  const candidates = [
    ...(useDefaults
      ? DEFAULT_TIER_RULES.map((rule, index) => ({ rule, index, builtIn: true }))
      : []),
    ...rules.map((rule, index) => ({ rule, index, builtIn: false })),
  ].map(({ rule, index, builtIn }) => ({
    tier: rule.tier,
    reason: describeRule(rule, index, builtIn),
    environment: criterion(rule.match.environment),
    type: criterion(rule.match.type),
    address: criterion(rule.match.address),
    stack: criterion(rule.match.stack),
    cause: criterion(rule.match.cause),
  }));
  return (subject) => {
    let decision: TierDecision | undefined;
    for (const rule of candidates) {
      const matches =
        rule.environment(subject.environment) &&
        rule.type(subject.type) &&
        rule.address(subject.address) &&
        rule.stack(subject.stack) &&
        rule.cause(subject.cause ?? 'unknown');
      if (!matches) continue;
      // Later rules win ties so a repository's own rule names itself over the built-in one.
      if (!decision || rule.tier >= decision.tier) {
        decision = { tier: rule.tier, reason: rule.reason };
      }
    }
    return decision ?? FALLBACK;
  };
}

/**
 * The policy floor for one resource of a configured stack, from the config alone (used
 * where only a PR's stack and address are known: label changes, merges).
 */
export function tierFloorFor(
  tiers: DriftgateConfig['tiers'],
  stack: { name: string; environment: string },
  address: string,
): TierDecision {
  const decide = tierDecider(tiers.rules, tiers.use_defaults);
  const subject = {
    stack: stack.name,
    environment: stack.environment,
    address,
    type: parseAddress(address)?.type ?? '',
  };
  // The cause is a scan's finding, not known here: the floor is the strictest any cause gets,
  // so a rule keyed on the cause can never be relabelled below.
  return CAUSES.map((cause) => decide({ ...subject, cause })).reduce((strictest, decision) =>
    decision.tier > strictest.tier ? decision : strictest,
  );
}
