/**
 * The scan job: scan one repository's stacks (or one stack, or a few resources) and
 * reconcile their remediation PRs, then merge green tier-1 PRs and update the dashboard.
 * It runs under the repository's lock (the job layer), so two scans of one repository —
 * on one worker or on two — never run at once and racing triggers cannot open duplicates.
 */
import type { HandsOnRequest } from './training-pr.js';
import { pastDecisionsOnce } from '../context/ledger-github.js';
import type { Context } from 'probot';
import type { DashboardStack } from '../github/dashboard.js';
import { DriftgateError } from '../errors.js';
import type { GitHubRepository } from '../github/repository.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { codeBlock } from '../report/markdown.js';
import { repositoryFor } from './environment.js';
import { mayMerge, modeOfStack } from '../policy/modes.js';
import type { JobContext } from './job-context.js';
import { mergeGreenTierOnePullRequests } from './automerge.js';
import { readRepositoryConfig } from './config-check.js';
import { updateDashboard, updateGuardrails } from './dashboard-update.js';
import { ScanBounds } from './flap-scan.js';
import { notifyBatch } from './notify-batch.js';
import type { PlanArtifact } from './detect-stack.js';
import { scanStack, type ScanPass, type StackScanResult } from './reconcile-stack.js';
import type { DirectionOverrides } from './remediation-pr.js';

export type { StackScanResult } from './reconcile-stack.js';
export type { DirectionChoice, DirectionOverrides } from './remediation-pr.js';
export type { PlanArtifact } from './detect-stack.js';

export const SCAN_CHECK = 'driftgate/scan';

/** A scan that could not read its input says so where people look: a failing check run. */
export async function reportScanFailure(
  context: Pick<Context, 'octokit' | 'log'>,
  github: GitHubRepository,
  message: string,
): Promise<void> {
  await ensureCheckRun(context.octokit, {
    owner: github.owner,
    repo: github.repo,
    headSha: await github.defaultBranchHead(),
    name: SCAN_CHECK,
    conclusion: 'failure',
    title: 'driftgate could not scan: no pull request was opened, changed or closed',
    summary: codeBlock(message),
  });
}

export interface ScanRequest {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** Only this stack (by name). */
  stack?: string | undefined;
  overrides?: DirectionOverrides;
  /** `/driftgate handson @login`: assign this address's PR to a learner. */
  handson?: HandsOnRequest | undefined;
  /** The installation, for the hourly PR cap; absent = per repository. */
  installationId?: number | undefined;
  /** Find drift from this plan JSON instead of scanning AWS (needs `stack`). */
  plan?: PlanArtifact | undefined;
  /** Only these resources (addresses or ids). */
  resources?: readonly string[] | undefined;
  now?: Date;
}

export type ScanContext = JobContext;

/** Scan a repository's stacks (or one) and reconcile their PRs. Call it holding the lock. */
export async function scanRepository(
  context: ScanContext,
  request: ScanRequest,
): Promise<StackScanResult[]> {
  const { owner, repo, defaultBranch } = request;
  const github = repositoryFor(context, context.environment, owner, repo, defaultBranch);
  const outcome = await readRepositoryConfig(context, owner, repo, defaultBranch);
  if (outcome.kind !== 'valid') {
    // An invalid config is reported by the driftgate/config check run; nothing is touched.
    context.log.warn(
      { repository: `${owner}/${repo}`, config: outcome.kind },
      'not scanning: no valid driftgate config',
    );
    return [];
  }
  const config = outcome.config;
  const now = request.now ?? new Date();
  const budgetKey = request.installationId
    ? `installation:${request.installationId}`
    : `${owner}/${repo}`;
  const pass: ScanPass = {
    github,
    config,
    now,
    overrides: request.overrides ?? new Map(),
    takePullRequestSlot: () =>
      context.jobs.takePullRequestSlot(budgetKey, config.limits.prs_per_hour, now),
    openedNow: new Set(),
    plan: request.plan,
    resources: request.resources ? new Set(request.resources) : undefined,
    lock: context.lock,
    metrics: context.jobs.metrics,
    waitForSlot: (limiter, key, perSecond) => context.jobs.waitForSlot(limiter, key, perSecond),
    bounds: new ScanBounds(context.jobs, github, config, now),
    pastDecisions: pastDecisionsOnce(github, config),
    handson: request.handson,
  };
  if (request.plan && !request.stack) {
    await reportScanFailure(
      context,
      github,
      'a plan artifact names one stack: add "stack" to the client_payload',
    );
    return [{ stack: '(none)', drifts: 0, actions: [], error: 'plan without stack' }];
  }
  const results: StackScanResult[] = [];
  const rows: DashboardStack[] = [];
  const chosenStacks = config.stacks.filter(
    (stack) =>
      (!request.stack || stack.name === request.stack) &&
      // A plan-fed stack is scanned only when a plan arrives; a live stack never from one.
      (request.plan ? stack.source === 'plan' : stack.source === 'aws'),
  );
  if (request.plan && chosenStacks.length === 0) {
    await reportScanFailure(
      context,
      github,
      `no stack "${request.stack}" with \`source: plan\` in .github/driftgate.yml: a plan artifact feeds only such a stack`,
    );
    return [];
  }
  for (const stackConfig of chosenStacks) {
    try {
      const { result, row } = await scanStack(pass, stackConfig);
      context.jobs.metrics.scans.inc({ result: 'ok' });
      results.push(result);
      rows.push(row);
    } catch (error) {
      context.jobs.metrics.scans.inc({ result: 'error' });
      const message = error instanceof DriftgateError ? error.format() : (error as Error).message;
      context.log.error({ stack: stackConfig.name, error: message }, 'stack scan failed');
      await reportScanFailure(context, github, `stack ${stackConfig.name}: ${message}`);
      results.push({ stack: stackConfig.name, drifts: 0, actions: [], error: message });
      // The dashboard keeps the stack's last good row; the check run carries the error.
    }
  }
  const merged = await mergeGreenTierOnePullRequests(
    github,
    pass.openedNow,
    (stack) => mayMerge(modeOfStack(config, stack)),
    now,
  );
  for (const entry of merged)
    context.log.info({ repository: `${owner}/${repo}`, ...entry }, 'tier-1 self-merge');
  // A targeted rescan saw a few resources only: the dashboard keeps its full-scan rows.
  if (!pass.resources) await updateDashboard(github, config, rows, now, pass.pastDecisions);
  const bounds = pass.bounds!;
  if (bounds.flapping.size) context.jobs.metrics.flapping.inc(bounds.flapping.size);
  if (!pass.resources)
    await updateGuardrails(github, (previous) => bounds.guardrails(previous), now);
  // One message per scan and target, whatever the number of drifts.
  await notifyBatch(context, config, { owner, repo }, bounds.notifications);
  return results;
}
