/**
 * A training PR whose drift is gone: if CloudTrail says the learner made the change that
 * removed it, close the PR crediting them and record the hands-on fix in the ledger on the
 * default branch. Anything else (no CloudTrail access, another actor, no event) leaves the
 * usual close to the caller.
 */
import {
  attributionOf,
  attributionSourceFor,
  cloudTrailResourceId,
  type CloudTrailRecord,
} from '../cloud/aws/attribution.js';
import type { AwsSession } from '../cloud/aws/session.js';
import type { DriftgateConfig } from '../config/schema.js';
import { awsIdentitiesOf, fixingEvent, madeBy, mention } from '../context/training.js';
import type { ExistingPullRequest } from '../github/reconcile.js';
import { LABEL_RESOLVED } from '../github/reconcile.js';
import type { GitHubRepository } from '../github/repository.js';
import {
  commitLine,
  ledgerRecordPathIn,
  parseLedgerRecord,
  renderRecord,
  renderTrailers,
} from '../remediation/ledger.js';
import { inlineCode, plainText } from '../report/markdown.js';
import type { TerraformState } from '../terraform/state.js';

/** The learner's event that removed the drift, if CloudTrail has one. */
async function learnersFix(
  config: DriftgateConfig,
  session: AwsSession,
  pullRequest: ExistingPullRequest,
  state: TerraformState,
): Promise<CloudTrailRecord | undefined> {
  const learner = pullRequest.meta?.learner;
  if (!learner) return undefined;
  const instance = state.instances.find(
    (candidate) => candidate.address === pullRequest.meta!.address,
  );
  const resourceId = cloudTrailResourceId(instance);
  const source = attributionSourceFor(session, config.attribution);
  if (!resourceId || !source) return undefined;
  let records: CloudTrailRecord[];
  try {
    records = await source.eventsFor(resourceId);
  } catch {
    // No CloudTrail access: the PR closes as usual, without credit.
    return undefined;
  }
  const event = fixingEvent(records, resourceId, new Date(pullRequest.createdAt));
  return event && madeBy(event, awsIdentitiesOf(config.training, learner)) ? event : undefined;
}

/** The PR's ledger record with a `hands-on` outcome, committed to the default branch. */
async function recordHandsOn(
  github: GitHubRepository,
  pullRequest: ExistingPullRequest,
  event: CloudTrailRecord,
  now: Date,
): Promise<string> {
  const files = await github.pullRequestFiles(pullRequest.number);
  const path = ledgerRecordPathIn(files.map((file) => file.path));
  const text = path ? await github.readFile(path, pullRequest.branch) : undefined;
  if (!path || text === undefined) throw new Error('the PR has no ledger record');
  const record = parseLedgerRecord(text, path);
  const learner = pullRequest.meta!.learner!;
  const attribution = attributionOf(event);
  const front = {
    ...record.front,
    // Live went back to the code: whatever the PR proposed, the learner reverted it by hand.
    direction: 'revert' as const,
    outcome: {
      status: 'hands-on',
      pull_request: pullRequest.number,
      executed_by: learner,
      actor: attribution.actor,
      event_name: attribution.eventName,
      ...(attribution.eventId ? { event_id: attribution.eventId } : {}),
      fixed_at: attribution.time,
      executed_at: now.toISOString(),
    },
  };
  const prose = `${record.prose.replace(/\nOutcome: [^\n]*\n$/, '')}\nOutcome: hands-on on ${attribution.time}: fixed by hand by @${learner} (${attribution.eventName} by ${attribution.actor}); PR #${pullRequest.number} closed.\n`;
  await github.commitToDefaultBranch(
    [{ path, content: renderRecord(front, prose.replace(/^\n+/, '')) }],
    `driftgate: hands-on fix of ${commitLine(front.address)} by @${commitLine(learner)} (#${pullRequest.number})\n\n${renderTrailers(
      [
        ['Drift-Id', front.drift_id],
        ['Drift-Stack', front.stack],
        ['Drift-Address', front.address],
        ['Drift-Actor', attribution.actor],
        ['Drift-Outcome', 'hands-on'],
      ],
    )}\n`,
  );
  return path;
}

/**
 * Close a training PR whose drift is gone, crediting the learner when CloudTrail names
 * them. Returns false when it did not (the caller closes as usual).
 */
export async function closeCreditingLearner(
  github: GitHubRepository,
  config: DriftgateConfig,
  session: AwsSession,
  pullRequest: ExistingPullRequest,
  state: TerraformState,
  now: Date,
): Promise<boolean> {
  const event = await learnersFix(config, session, pullRequest, state);
  if (!event) return false;
  const learner = pullRequest.meta!.learner!;
  const attribution = attributionOf(event);
  let recorded: string;
  try {
    recorded = `Recorded in the ledger: ${inlineCode(await recordHandsOn(github, pullRequest, event, now))}.`;
  } catch (error) {
    // The default branch moved, or the record is unreadable: the credit still stands.
    recorded = `Not recorded in the ledger: ${plainText((error as Error).message)}.`;
  }
  await github.ensureLabels([LABEL_RESOLVED]);
  await github.closePullRequest(
    pullRequest.number,
    `Closing: the drift is gone — fixed by hand by ${mention(learner)}. CloudTrail: ${plainText(attribution.eventName)} by ${plainText(attribution.actor)} at ${plainText(attribution.time)}. Well done! ${recorded}`,
    LABEL_RESOLVED,
  );
  return true;
}
