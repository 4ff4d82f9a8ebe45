/**
 * Why a drift happened, from its CloudTrail attribution and the code: a person (`manual`),
 * a machine that is not Terraform (`automation`), Terraform's own role applying from
 * somewhere other than the default branch (`terraform`), a state file that is merely
 * behind the code (`stale-state`), or `unknown`. Pure.
 */
import { globMatcher } from '../drift/glob.js';
import type { Attribution } from '../drift/model.js';

export const CAUSES = ['manual', 'automation', 'terraform', 'stale-state', 'unknown'] as const;
export type Cause = (typeof CAUSES)[number];

export interface CauseDecision {
  cause: Cause;
  reason: string;
}

export interface CauseInput {
  attribution: Attribution | null;
  /** The code on the default branch already says what is live (codify would change nothing). */
  codeEqualsLive: boolean;
  /** CloudTrail was not asked (attribution off, or drift from a plan). */
  attributionSkipped?: 'off' | 'plan' | undefined;
}

/**
 * A classifier for one config: `terraformRoles` are role ARNs or role names (globs), matched
 * against the role a session was assumed from.
 */
export function causeClassifier(
  terraformRoles: readonly string[],
): (input: CauseInput) => CauseDecision {
  const isTerraformRole = globMatcher(terraformRoles);
  return ({ attribution, codeEqualsLive, attributionSkipped }) => {
    // Whoever touched it last, the code already agrees with live: only the state lags.
    if (codeEqualsLive)
      return {
        cause: 'stale-state',
        reason: 'the code on the default branch already equals live; the recorded state is behind',
      };
    if (!attribution)
      return {
        cause: 'unknown',
        reason: attributionSkipped
          ? `CloudTrail was not asked: ${attributionSkipped === 'plan' ? 'the drift came from a plan' : 'attribution is off'}`
          : 'CloudTrail did not say who changed it',
      };
    const who = attribution.actor;
    switch (attribution.actorType) {
      case 'iam-user':
      case 'sso-user':
      case 'root':
        return { cause: 'manual', reason: `a person (${attribution.actorType} ${who})` };
      case 'aws-service':
        return { cause: 'automation', reason: `an AWS service (${who})` };
      case 'assumed-role': {
        // Someone who switched role in the console is still a person at a keyboard.
        if (attribution.via === 'console')
          return { cause: 'manual', reason: `a person in the console (${who})` };
        const role = attribution.role;
        const roleName = role?.split('/').pop() ?? who.split('/')[0] ?? '';
        if ((role && isTerraformRole(role)) || (roleName && isTerraformRole(roleName)))
          return {
            cause: 'terraform',
            reason: `the Terraform role ${roleName} applied it from outside the default branch (an unmerged branch, or a local apply)`,
          };
        return { cause: 'automation', reason: `an assumed role that is not Terraform's (${who})` };
      }
      default:
        if (attribution.via === 'console')
          return { cause: 'manual', reason: `a console session (${who})` };
        return { cause: 'unknown', reason: `CloudTrail names ${who}, of an unknown kind` };
    }
  };
}

/** One drift as the cross-stack grouping sees it. */
export interface RelatedCandidate {
  stack: string;
  address: string;
  pullRequest?: number | undefined;
  actor?: string | undefined;
  time?: string | undefined;
  eventId?: string | undefined;
}

export interface RelatedGroup {
  /** What ties them: one CloudTrail event, or one actor within the window. */
  key: string;
  members: RelatedCandidate[];
}

/**
 * Drifts in several stacks with one cause: the same CloudTrail event, or the same actor
 * within `windowMinutes` of each other (a chain: each within the window of the previous).
 * Only groups that span more than one stack are returned; a drift joins one group at most.
 */
export function groupRelatedDrifts(
  candidates: readonly RelatedCandidate[],
  windowMinutes: number,
): RelatedGroup[] {
  const groups: RelatedGroup[] = [];
  const taken = new Set<RelatedCandidate>();
  const byEvent = new Map<string, RelatedCandidate[]>();
  for (const candidate of candidates) {
    if (!candidate.eventId) continue;
    byEvent.set(candidate.eventId, [...(byEvent.get(candidate.eventId) ?? []), candidate]);
  }
  for (const [eventId, members] of byEvent) {
    if (new Set(members.map((member) => member.stack)).size < 2) continue;
    members.forEach((member) => taken.add(member));
    groups.push({ key: `CloudTrail event ${eventId}`, members });
  }
  const byActor = new Map<string, RelatedCandidate[]>();
  for (const candidate of candidates) {
    if (taken.has(candidate) || !candidate.actor || !candidate.time) continue;
    if (Number.isNaN(Date.parse(candidate.time))) continue;
    byActor.set(candidate.actor, [...(byActor.get(candidate.actor) ?? []), candidate]);
  }
  const windowMs = windowMinutes * 60_000;
  for (const [actor, list] of byActor) {
    const sorted = [...list].sort((a, b) => Date.parse(a.time!) - Date.parse(b.time!));
    let run: RelatedCandidate[] = [];
    const flush = () => {
      if (new Set(run.map((member) => member.stack)).size >= 2)
        groups.push({ key: `${actor} within ${windowMinutes} min`, members: run });
      run = [];
    };
    for (const candidate of sorted) {
      const last = run.at(-1);
      if (last && Date.parse(candidate.time!) - Date.parse(last.time!) > windowMs) flush();
      run.push(candidate);
    }
    flush();
  }
  return groups;
}
