/**
 * Training mode, the pure part: which drift goes to which learner, how long auto-merge is
 * held, the by-hand checklist in the PR, and whether a CloudTrail event that removed a
 * drift was the learner's own. No I/O here (the app's edges are in training-close.ts).
 */
import { GITHUB_LOGIN, type TrainingConfig } from '../config/schema-training.js';
import { globMatcher } from '../drift/glob.js';
import type { Drift, Tier } from '../drift/model.js';
import { resourceIdsOf, type CloudTrailRecord } from '../cloud/aws/attribution.js';
import { codeBlock, inlineCode, plainText } from '../report/markdown.js';

export const LABEL_TRAINING = 'driftgate:training';
export const DEFAULT_HOLD_HOURS = 24;

/** A PR given to a learner: who, until when auto-merge waits, and who asked (a command). */
export interface TrainingAssignment {
  learner: string;
  holdUntil: string;
  by?: string | undefined;
}

/** Does training mode take this drift (its stack and its tier)? */
export function trainingMatches(
  training: TrainingConfig | undefined,
  drift: Pick<Drift, 'stack'>,
  tier: Tier,
): training is TrainingConfig {
  if (!training) return false;
  if (!(training.tiers as readonly number[]).includes(tier)) return false;
  return training.stacks === undefined || globMatcher(training.stacks)(drift.stack);
}

/**
 * The learner with the fewest open training PRs; ties go to the one listed first. The same
 * open PRs always give the same learner, so two instances never disagree.
 */
export function pickLearner(learners: readonly string[], openLearners: readonly string[]): string {
  let best = learners[0]!;
  let bestLoad = Infinity;
  for (const learner of learners) {
    const load = openLearners.filter((open) => open === learner).length;
    if (load < bestLoad) {
      best = learner;
      bestLoad = load;
    }
  }
  return best;
}

export function holdUntil(now: Date, hours: number | undefined): string {
  return new Date(now.getTime() + (hours ?? DEFAULT_HOLD_HOURS) * 3_600_000).toISOString();
}

/** A new drift PR's assignment, if training mode takes it. */
export function assignmentForNewDrift(
  training: TrainingConfig | undefined,
  drift: Pick<Drift, 'stack'>,
  tier: Tier,
  openLearners: readonly string[],
  now: Date,
): TrainingAssignment | undefined {
  if (!trainingMatches(training, drift, tier)) return undefined;
  const learner = pickLearner(
    training.learners.map((entry) => entry.github),
    openLearners,
  );
  return { learner, holdUntil: holdUntil(now, training.hold_hours) };
}

/** Is auto-merge still held for the learner? */
export function holdActive(meta: { hold_until?: string | undefined } | undefined, now: Date) {
  if (!meta?.hold_until) return false;
  const until = Date.parse(meta.hold_until);
  return Number.isFinite(until) && until > now.getTime();
}

/**
 * How CloudTrail names a learner: the identities listed in `training.learners`; a login not
 * listed there (assigned by `/driftgate handson`) is taken as its own IAM user or SSO
 * session name.
 */
export function awsIdentitiesOf(training: TrainingConfig | undefined, login: string): string[] {
  const listed = training?.learners.find(
    (entry) => entry.github.toLowerCase() === login.toLowerCase(),
  );
  return listed ? listed.aws : [login];
}

/**
 * The names a CloudTrail record gives the person who made the call: an IAM user's name and
 * ARN, an assumed role's session name and session ARN. A role's own name is never one: many
 * people may assume it.
 */
export function identitiesOf(record: CloudTrailRecord): string[] {
  const identity = record.userIdentity ?? {};
  const names: string[] = [];
  if (identity.type === 'IAMUser') {
    if (identity.userName) names.push(identity.userName);
    if (identity.arn) names.push(identity.arn);
  } else if (identity.type === 'AssumedRole' && identity.arn) {
    names.push(identity.arn, identity.arn.split('/').pop() ?? '');
  }
  return names.filter(Boolean);
}

/** The newest write to `resourceId` made at or after `since` (the PR's opening). */
export function fixingEvent(
  records: readonly CloudTrailRecord[],
  resourceId: string,
  since: Date,
): CloudTrailRecord | undefined {
  // CloudTrail times are whole seconds: an event in the PR's own second counts.
  const from = Math.floor(since.getTime() / 1000) * 1000;
  return records
    .filter(
      (record) =>
        record.readOnly !== true &&
        !/^(Describe|Get|List)/.test(record.eventName) &&
        Date.parse(record.eventTime) >= from &&
        resourceIdsOf(record).has(resourceId),
    )
    .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime))[0];
}

/** Did the learner make this call? Compared exactly (ARNs and names are case-sensitive). */
export function madeBy(record: CloudTrailRecord, identities: readonly string[]): boolean {
  const names = identitiesOf(record);
  return identities.some((identity) => names.includes(identity));
}

/** `@login` that notifies the person; anything that is not a GitHub login is shown inert. */
export function mention(login: string): string {
  return GITHUB_LOGIN.test(login) ? `@${login}` : plainText(`@${login}`);
}

/** The checklist a learner works through, in the PR body. Every value is escaped. */
export function trainingSection(input: {
  assignment: TrainingAssignment;
  drift: Pick<Drift, 'address' | 'stack'>;
  awsCommands: readonly string[];
  terraformCommands: readonly string[];
  tier: Tier;
}): string[] {
  const { assignment, drift } = input;
  const learner = mention(assignment.learner);
  const until = plainText(assignment.holdUntil.replace(/\.\d+Z$/, 'Z'));
  return [
    '',
    `### Training: hands-on for ${learner}`,
    '',
    `${learner}, this drift is yours to fix by hand${assignment.by ? ` (assigned by ${mention(assignment.by)} with \`/driftgate handson\`)` : ' (training mode)'}. ${input.tier === 1 ? `Auto-merge is held until ${until}; after that the PR merges as any tier-1 PR does.` : 'This PR needs an approving review as usual; fixing it by hand makes that unnecessary.'}`,
    '',
    `- [ ] Read "What changed" and decide that live should go back to the code for ${inlineCode(drift.address)}.`,
    input.awsCommands.length
      ? '- [ ] Put it back with the AWS CLI, signed in as yourself (CloudTrail must name you):'
      : '- [ ] No single AWS CLI call puts this back: use Terraform (next step).',
    ...(input.awsCommands.length ? ['', codeBlock(input.awsCommands.join('\n'), 'sh'), ''] : []),
    `- [ ] Or with Terraform, from stack ${inlineCode(drift.stack)}'s directory, as yourself:`,
    '',
    codeBlock(input.terraformCommands.join('\n'), 'sh'),
    '',
    `- [ ] Verify: \`driftgate scan <stack directory>\` reports no drift on ${inlineCode(drift.address)}, or comment \`/driftgate rescan\` here.`,
    '',
    'When a scan finds the drift gone and CloudTrail names you as the one who changed the resource, driftgate closes this PR crediting you and records the fix in the ledger.',
  ];
}
