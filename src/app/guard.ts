/**
 * The hotfix guard (docs/guardrails.md#hotfix-guard): on an ordinary pull request that
 * changes files of a configured stack, the `driftgate/guard` check run lists the stack's
 * open drifts that applying the stack from that PR would revert, and fails when one of them
 * narrowed security exposure, is marked as a hotfix, or is at a blocked tier.
 *
 * A drift is reverted unless it is codified in what the PR would merge: the stack's files
 * on the default branch with the PR's changed files taken from its head (so a codify PR
 * merged after this PR was opened counts, unless this PR changed the same file). For a
 * plan-fed stack the PR's own plan decides: exactly the drifts its plan would change.
 */
import { AwsSession } from '../cloud/aws/session.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Drift } from '../drift/model.js';
import { DriftgateError } from '../errors.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { branchFor, LABEL_RESOLVED, type ExistingPullRequest } from '../github/reconcile.js';
import type { FileToCommit, GitHubRepository } from '../github/repository.js';
import type { GuardJob, GuardRefreshJob } from '../jobs/payloads.js';
import { hasHotfixMarker } from '../policy/direction.js';
import { codifyDrifts } from '../remediation/codify/codify.js';
import { scanLoadedPlan } from '../scan/scan-stack.js';
import { parsePlan } from '../terraform/plan.js';
import { buildStack } from '../terraform/stack.js';
import { readRepositoryConfig } from './config-check.js';
import { detectStackDrifts } from './detect-stack.js';
import { repositoryFor } from './environment.js';
import {
  GUARD_CHECK,
  guardVerdict,
  type GuardInput,
  type GuardPullRequest,
  type GuardVerdict,
  type RevertedDrift,
} from './guard-verdict.js';
import { guardFailureNotification } from './guard-notify.js';
import { plansExternalId, plansForJob, previousGuardRun } from './guard-plans.js';
import type { JobContext } from './job-context.js';
import { notifyBatch } from './notify-batch.js';

export { GUARD_CHECK } from './guard-verdict.js';

/** A person marks a drift as a hotfix by this label on its PR (besides the resource's hotfix tag). */
export const LABEL_HOTFIX = 'driftgate:hotfix';

/** driftgate's own remediation branches in this repository; everything else is guarded. */
export function isOwnPullRequest(headRef: string, headRepo: string | undefined, repo: string) {
  return headRef.startsWith('driftgate/') && headRepo === repo;
}

/** Does any changed path lie in the stack's directory? */
export function touchesStack(dir: string, paths: readonly string[]): boolean {
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  return paths.some((path) => path.startsWith(prefix));
}

/** The drift PR of `address`: the open one, else the newest for this very drift. */
function driftPullRequestOf(
  pullRequests: readonly ExistingPullRequest[],
  stack: string,
  drift: Pick<Drift, 'address' | 'fingerprint'>,
): ExistingPullRequest | undefined {
  const onBranch = pullRequests
    .filter((pullRequest) => pullRequest.branch === branchFor(stack, drift.address))
    .sort((a, b) => b.number - a.number);
  return (
    onBranch.find((pullRequest) => pullRequest.state === 'open') ??
    onBranch.find(
      (pullRequest) =>
        pullRequest.meta?.fingerprint === drift.fingerprint &&
        !pullRequest.labels.includes(LABEL_RESOLVED),
    )
  );
}

function guardPullRequest(
  pullRequest: ExistingPullRequest | undefined,
): GuardPullRequest | undefined {
  if (!pullRequest?.meta) return undefined;
  return {
    number: pullRequest.number,
    state: pullRequest.state === 'open' ? 'open' : pullRequest.merged ? 'merged' : 'closed',
    direction: pullRequest.meta.direction,
  };
}

function revertedDrift(
  config: DriftgateConfig,
  stack: StackConfig,
  drift: Drift,
  pullRequest: ExistingPullRequest | undefined,
): RevertedDrift {
  return {
    stack: stack.name,
    address: drift.address,
    tier: drift.tier ?? 2,
    narrowing: drift.security?.direction === 'narrowing' || drift.security?.direction === 'mixed',
    hotfix:
      hasHotfixMarker(drift, config.hotfix_tag) ||
      Boolean(pullRequest?.labels.includes(LABEL_HOTFIX)),
    pullRequest: guardPullRequest(pullRequest),
  };
}

/** The stack's files as merging the PR would leave them: default branch + the PR's changes. */
async function filesAfterMerge(
  github: GitHubRepository,
  dir: string,
  headSha: string,
  changed: readonly string[],
): Promise<FileToCommit[]> {
  const files = new Map(
    (await github.readStackFiles(dir)).map((file) => [file.path, file.content] as const),
  );
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  for (const path of changed) {
    const name = path.slice(prefix.length);
    if (!path.startsWith(prefix) || name.includes('/') || !/\.tf$|\.tfvars$/.test(name)) continue;
    const text = await github.readFile(path, headSha);
    if (text === undefined) files.delete(path);
    else files.set(path, text);
  }
  return [...files]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, content]) => ({ path, content }));
}

/** The code already says what is live: codify would write nothing for this drift. */
async function isCodified(files: FileToCommit[], drift: Drift): Promise<boolean> {
  try {
    const outcome = await codifyDrifts(
      '.',
      files.map((file) => ({ path: file.path, text: file.content })),
      [drift],
    );
    return (
      outcome.refused.length === 0 && outcome.codified.every((plan) => plan.edits.length === 0)
    );
  } catch (error) {
    // Code that does not parse codifies nothing; the PR's own CI says why.
    if (error instanceof DriftgateError) return false;
    throw error;
  }
}

async function liveStackReverts(
  context: JobContext,
  github: GitHubRepository,
  config: DriftgateConfig,
  stack: StackConfig,
  headSha: string,
  changed: readonly string[],
  pullRequests: readonly ExistingPullRequest[],
): Promise<RevertedDrift[]> {
  const session = new AwsSession({
    region: stack.aws.region,
    roleArn: stack.aws.role,
    waitForSlot: (limiter, key, perSecond) => context.jobs.waitForSlot(limiter, key, perSecond),
  });
  try {
    const { drifts } = await detectStackDrifts(github, config, stack, session, context.now());
    if (!drifts.length) return [];
    const files = await filesAfterMerge(github, stack.dir, headSha, changed);
    const reverted: RevertedDrift[] = [];
    for (const drift of drifts) {
      if (await isCodified(files, drift)) continue;
      reverted.push(
        revertedDrift(config, stack, drift, driftPullRequestOf(pullRequests, stack.name, drift)),
      );
    }
    return reverted;
  } finally {
    session.destroy();
  }
}

/** A plan-fed stack with this PR's plan: exactly the drifts the plan would change. */
async function planStackReverts(
  github: GitHubRepository,
  config: DriftgateConfig,
  stack: StackConfig,
  headSha: string,
  plan: NonNullable<GuardJob['plan']>,
  pullRequests: readonly ExistingPullRequest[],
  now: Date,
): Promise<RevertedDrift[]> {
  const artifact = await github.downloadPlanArtifact(
    plan.runId,
    plan.artifact,
    config.limits.plan_json_bytes,
  );
  const parsed = parsePlan(artifact.text, artifact.path);
  const files = await github.readStackFiles(stack.dir, headSha);
  const tf = files.filter((file) => file.path.endsWith('.tf'));
  const report = scanLoadedPlan({
    dir: stack.dir,
    stackConfig: stack,
    policy: config,
    now,
    stack: tf.length
      ? await buildStack(
          stack.dir,
          tf.map((file) => ({ path: file.path, text: file.content })),
        )
      : undefined,
    plan: parsed,
  });
  const changing = new Set(
    parsed.resourceChanges
      .filter((change) =>
        change.change.actions.some((action) => action !== 'no-op' && action !== 'read'),
      )
      .map((change) => change.address),
  );
  return report.drifts
    .filter((drift) => changing.has(drift.address))
    .map((drift) =>
      revertedDrift(config, stack, drift, driftPullRequestOf(pullRequests, stack.name, drift)),
    );
}

/**
 * The guard job for one pull request (coalesced per PR). Reads the PR as it is now, the
 * config of the default branch (a PR cannot switch its own guard off), and writes one check
 * run on the PR's head.
 */
export async function handleGuard(
  context: JobContext,
  job: GuardJob,
): Promise<GuardVerdict | undefined> {
  const { owner, repo } = job;
  const github = repositoryFor(context, context.environment, owner, repo, job.defaultBranch);
  const pr = await github.getPullRequest(job.pullNumber);
  if (pr.state !== 'open') return undefined;
  if (isOwnPullRequest(pr.head.ref, pr.head.repo?.full_name, pr.base.repo.full_name))
    return undefined;
  const outcome = await readRepositoryConfig(context, owner, repo, job.defaultBranch);
  // An invalid config is reported by driftgate/config; without one there is nothing to guard.
  if (outcome.kind !== 'valid') return undefined;
  const config = outcome.config;
  const changed = (await github.pullRequestFiles(pr.number)).map((file) => file.path);
  const stacks = config.stacks.filter((stack) => touchesStack(stack.dir, changed));
  const input: GuardInput = {
    stacks: stacks.map((stack) => stack.name),
    reverted: [],
    blockTiers: config.guard.block_tiers,
    waitingForPlan: [],
    problems: [],
  };
  const pullRequests = stacks.length ? await github.listDriftgatePullRequests() : [];
  const previous = await previousGuardRun(context, job, pr.head.sha);
  const plans = plansForJob(previous, job);
  for (const stack of stacks) {
    try {
      if (stack.source === 'plan') {
        const plan = plans.get(stack.name);
        if (plan)
          input.reverted.push(
            ...(await planStackReverts(
              github,
              config,
              stack,
              pr.head.sha,
              plan,
              pullRequests,
              context.now(),
            )),
          );
        else if (
          pullRequests.some(
            (pullRequest) => pullRequest.state === 'open' && pullRequest.meta?.stack === stack.name,
          )
        )
          input.waitingForPlan.push(stack.name);
        continue;
      }
      input.reverted.push(
        ...(await liveStackReverts(
          context,
          github,
          config,
          stack,
          pr.head.sha,
          changed,
          pullRequests,
        )),
      );
    } catch (error) {
      const message = error instanceof DriftgateError ? error.format() : (error as Error).message;
      context.log.error({ stack: stack.name, error: message }, 'guard could not read the stack');
      input.problems.push({ stack: stack.name, message });
    }
  }
  const verdict = guardVerdict(input);
  await ensureCheckRun(context.octokit, {
    owner,
    repo,
    headSha: pr.head.sha,
    name: GUARD_CHECK,
    conclusion: verdict.conclusion,
    title: verdict.title,
    summary: verdict.summary,
    actions: verdict.actions,
    externalId: plans.size ? plansExternalId(context.environment.metadataKey, plans) : '',
  });
  // Once per head: a re-evaluation that fails again says nothing new.
  if (verdict.conclusion === 'failure' && !previous.failed)
    await notifyBatch(context, config, { owner, repo }, [
      guardFailureNotification(pr.number, verdict, input),
    ]);
  return verdict;
}

/**
 * A drift PR changed (opened, pushed, labelled, merged or closed): every open ordinary PR's
 * guard is evaluated again, each in its own coalesced job.
 */
export async function refreshGuards(context: JobContext, job: GuardRefreshJob): Promise<number> {
  const { owner, repo } = job;
  const pulls = await context.octokit.paginate(context.octokit.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    per_page: 100,
  });
  const guarded = pulls
    .filter((pull) => pull.state === 'open')
    .filter(
      (pull) =>
        !isOwnPullRequest(pull.head.ref, pull.head.repo?.full_name, pull.base.repo.full_name),
    )
    .slice(0, 100);
  for (const pull of guarded)
    await context.jobs.enqueue({
      kind: 'guard',
      installationId: job.installationId,
      owner,
      repo,
      defaultBranch: job.defaultBranch,
      pullNumber: pull.number,
    });
  return guarded.length;
}
