/**
 * One stack of a scan job: find its drifts and bring its remediation PRs in line — open,
 * update, respect a human close, or close what is resolved. PRs opened count against the
 * installation's hourly cap (a sliding window the job layer keeps for every instance).
 */
import { AwsSession } from '../cloud/aws/session.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Drift, Tier } from '../drift/model.js';
import type { DashboardStack } from '../github/dashboard.js';
import {
  branchFor,
  LABEL_IGNORED,
  LABEL_RESOLVED,
  planReconcile,
  type ReconcileAction,
} from '../github/reconcile.js';
import type { FileToCommit, GitHubRepository } from '../github/repository.js';
import type { HeldLock } from '../jobs/job-layer.js';
import type { Metrics } from '../jobs/metrics.js';
import { tierFromLabels } from '../policy/merge.js';
import { inlineCode } from '../report/markdown.js';
import type { StackReport } from '../report/model.js';
import type { TerraformState } from '../terraform/state.js';
import { detectStackDrifts, type PlanArtifact } from './detect-stack.js';
import {
  mayMerge,
  mayWritePullRequests,
  modeOf,
  stricterMode,
  type Mode,
} from '../policy/modes.js';
import { modeMergeNote, reportedAction } from './guard-modes.js';
import type { ScanBounds } from './flap-scan.js';
import { rowContextOf } from '../context/dashboard-section.js';
import type { PastDecisions } from '../context/ledger-source.js';
import { closeCreditingLearner } from './training-close.js';
import { autoMergeAllowed, trainingFor, withHandsOn, type HandsOnRequest } from './training-pr.js';
import type { TrainingAssignment } from '../context/training.js';
import {
  mergeModeFor,
  remediationFor,
  type DirectionChoice,
  type DirectionOverrides,
} from './remediation-pr.js';
import {
  ensurePolicyCheck,
  policyBundlesFor,
  prepareCodify,
  tierWithPolicy,
} from './policy-check.js';
import type { PolicyBundle } from '../policy-engine/engine.js';

export interface StackScanResult {
  stack: string;
  drifts: number;
  actions: (ReconcileAction['kind'] | 'deferred' | 'reported')[];
  error?: string;
}

export interface ScanPass {
  github: GitHubRepository;
  config: DriftgateConfig;
  now: Date;
  overrides: DirectionOverrides;
  /** Take one PR from the hourly cap; false when the cap is reached. */
  takePullRequestSlot: () => Promise<boolean>;
  /** PRs opened in this pass: never self-merged in the pass that opened them. */
  openedNow: Set<number>;
  plan: PlanArtifact | undefined;
  /** Only these resources (addresses or ids): a targeted rescan. */
  resources: ReadonlySet<string> | undefined;
  /** The repository's lock: checked before each write that opens a PR. */
  lock: HeldLock | undefined;
  metrics: Metrics | undefined;
  /** Wait for a turn on a limiter shared by every instance (CloudTrail LookupEvents). */
  waitForSlot: ((limiter: string, key: string, perSecond: number) => Promise<void>) | undefined;
  /** The most this pass may do, whatever the config says (the Action: its `mode` input). */
  modeCap?: Mode | undefined;
  /**
   * false: no `driftgate/policy` check runs (the Action: a workflow token rarely has
   * `checks: write`, and no review event reaches it to accept findings); the findings
   * stay in the PR body and still raise its tier.
   */
  policyCheckRuns?: boolean | undefined;
  /** Breaker, flap detection and notifications (docs/guardrails.md). */
  bounds?: ScanBounds;
  /** The ledger's past decisions, read once per pass when a stack first asks (precedent). */
  pastDecisions?: (() => Promise<PastDecisions>) | undefined;
  /** `/driftgate handson @login`: assign this address's PR to a learner. */
  handson?: HandsOnRequest | undefined;
  /** Training mode: the learner of each open training PR (read once, when first needed). */
  trainingLoad?: string[];
}

export interface StackOutcome {
  result: StackScanResult;
  row: DashboardStack;
  /** What was found, for a report (the Action's JSON report and job summary). */
  found: {
    drifts: Drift[];
    notScanned: StackReport['notScanned'];
    apiCalls: StackReport['apiCalls'];
  };
}

export async function scanStack(pass: ScanPass, stackConfig: StackConfig): Promise<StackOutcome> {
  const { github, config, now, overrides } = pass;
  const session = new AwsSession({
    region: stackConfig.aws.region,
    roleArn: stackConfig.aws.role,
    waitForSlot: pass.waitForSlot,
  });
  try {
    const {
      files,
      state,
      drifts: found,
      notScanned,
    } = await detectStackDrifts(
      github,
      config,
      stackConfig,
      session,
      now,
      undefined,
      pass.plan,
      pass.resources,
      await pass.pastDecisions?.(),
    );
    const report = { drifts: found, notScanned };
    // A targeted rescan read only its resources (the state is narrowed to them): PRs of
    // every other resource stay as they are.
    const inScope = new Set(state.instances.map((instance) => instance.address));
    const pullRequests = (await github.listDriftgatePullRequests()).filter(
      (pullRequest) =>
        !pass.resources ||
        (pullRequest.meta !== undefined && inScope.has(pullRequest.meta.address)),
    );
    const chosen = new Map<string, DirectionChoice>();
    const decided = report.drifts.map((drift) => {
      // A direction a person chose by command wins over policy, now and on later scans.
      const branch = branchFor(stackConfig.name, drift.address);
      const persisted = pullRequests.find(
        (pullRequest) =>
          pullRequest.state === 'open' &&
          pullRequest.branch === branch &&
          pullRequest.meta?.override,
      );
      const choice =
        overrides.get(drift.address) ??
        (persisted?.meta?.override
          ? { direction: persisted.meta.override, by: persisted.meta.override_by ?? 'a maintainer' }
          : undefined);
      if (!choice) return drift;
      chosen.set(drift.address, choice);
      return {
        ...drift,
        direction: choice.direction,
        directionReason: `chosen by @${choice.by} with \`/driftgate ${choice.direction}\``,
      };
    });
    const drifts = pass.bounds
      ? await pass.bounds.prepare(stackConfig, decided, new Set(chosen.keys()), state, session)
      : decided;
    const planned = withHandsOn(pass, planReconcile(stackConfig.name, drifts, pullRequests, now));
    const { actions, heldBack } = pass.bounds?.adjust(planned) ?? {
      actions: planned,
      heldBack: new Set<Drift>(),
    };
    for (const drift of drifts)
      pass.metrics?.drifts.inc({
        tier: String(drift.tier ?? 2),
        direction: drift.direction ?? 'revert',
      });
    const kinds: StackScanResult['actions'] = [];
    const mode = stricterMode(modeOf(config, stackConfig), pass.modeCap ?? 'remediate');
    const row: DashboardStack = {
      name: stackConfig.name,
      environment: stackConfig.environment,
      scannedAt: now.toISOString(),
      drifts: [],
      notScanned: countByType(report.notScanned),
      mode,
    };
    // Policy bundles are read once per stack, and only when a PR is written.
    let loaded: Promise<PolicyBundle[]> | undefined;
    const bundles = () => (loaded ??= policyBundlesFor(github, config));
    for (const action of actions) {
      const outcome = !mayWritePullRequests(mode)
        ? reportedAction(action)
        : action.kind !== 'close' && heldBack.has(action.drift)
          ? { kind: 'deferred' as const }
          : await applyAction(pass, action, files, state, chosen, session, mode, bundles);
      pass.bounds?.noteOutcome(action, outcome.kind, outcome.pullRequest);
      kinds.push(outcome.kind);
      if (action.kind === 'close') continue;
      row.drifts.push({
        address: action.drift.address,
        fingerprint: action.drift.fingerprint,
        tier: action.drift.tier ?? 2,
        direction: action.drift.direction ?? 'revert',
        ...(outcome.pullRequest ? { pullRequest: outcome.pullRequest } : {}),
        ...(outcome.kind === 'deferred' ? { deferred: true } : {}),
        ...rowContextOf(action.drift),
      });
    }
    return {
      result: { stack: stackConfig.name, drifts: report.drifts.length, actions: kinds },
      row,
      found: { drifts, notScanned: report.notScanned, apiCalls: { ...session.calls } },
    };
  } finally {
    for (const [operation, count] of Object.entries(session.calls))
      pass.metrics?.awsCalls.inc({ operation }, count);
    session.destroy();
  }
}

function countByType(entries: { type: string }[]): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.type, (counts.get(entry.type) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => ({ type, count }));
}

interface ActionOutcome {
  kind: StackScanResult['actions'][number];
  pullRequest?: number;
}

async function applyAction(
  pass: ScanPass,
  action: ReconcileAction,
  files: FileToCommit[],
  state: TerraformState,
  chosen: Map<string, DirectionChoice>,
  session: AwsSession,
  mode: Mode,
  bundles: () => Promise<PolicyBundle[]>,
): Promise<ActionOutcome> {
  const { github, now } = pass;
  const region = session.region;
  // May GitHub's auto-merge be armed on this PR: the merge mode, the stack's mode, the
  // Action's proposal-only run, the circuit breaker and a learner's hold all agree.
  const mayArmAutoMerge = (
    merge: Awaited<ReturnType<typeof mergeModeFor>>,
    stack: string,
    training: TrainingAssignment | undefined,
  ) =>
    merge.mode.kind === 'github-auto-merge' &&
    mayMerge(mode) &&
    pass.bounds?.mayArmAutoMerge(stack) !== false &&
    autoMergeAllowed(training, now);
  // What a created or rewritten PR carries at `tier` (raised by policy findings on its
  // codify patch), with its labels ensured.
  const prepare = async (drift: Drift, policyTier: Tier, training?: TrainingAssignment) => {
    const prepared = await prepareCodify(drift, files, bundles);
    const tier = tierWithPolicy(policyTier, prepared);
    const merge = await mergeModeFor(github, tier);
    const written = await remediationFor(
      github.records.key,
      drift,
      files,
      state,
      now,
      chosen.get(drift.address),
      tier,
      modeMergeNote(mode, merge.note),
      pass.plan,
      region,
      prepared,
      training,
    );
    const pr = pass.bounds ? pass.bounds.decorate(drift, written) : written;
    await github.ensureLabels(pr.labels);
    return { merge, pr, prepared };
  };
  switch (action.kind) {
    case 'unchanged':
      return { kind: 'unchanged', pullRequest: action.pullRequest.number };
    case 'create': {
      pass.lock?.assertHeld();
      if (!(await pass.takePullRequestSlot())) {
        pass.metrics?.pullRequests.inc({ action: 'deferred' });
        return { kind: 'deferred' };
      }
      const training = await trainingFor(pass, action, action.drift.tier ?? 2);
      const { merge, pr, prepared } = await prepare(action.drift, action.drift.tier ?? 2, training);
      await github.ensureBranchCommit(action.branch, pr.files, pr.message);
      const opened = await github.openPullRequest({
        branch: action.branch,
        title: pr.title,
        body: pr.body,
        draft: pr.draft,
        labels: pr.labels,
      });
      pass.openedNow.add(opened.number);
      if (pass.policyCheckRuns !== false) await ensurePolicyCheck(github, opened.headSha, prepared);
      pass.metrics?.pullRequests.inc({ action: 'opened' });
      if (training) await github.addAssignees(opened.number, [training.learner]);
      if (mayArmAutoMerge(merge, action.drift.stack, training))
        await github.enableAutoMerge(opened.nodeId, opened.headSha);
      return { kind: 'create', pullRequest: opened.number };
    }
    case 'update': {
      // A tier a person raised by label survives the rewrite; policy only sets the floor.
      const policyTier = action.drift.tier ?? 2;
      const tier = Math.max(policyTier, tierFromLabels(action.pullRequest.labels) ?? 0) as Tier;
      const training = await trainingFor(pass, action, tier);
      const { merge, pr, prepared } = await prepare(action.drift, tier, training);
      pass.lock?.assertHeld();
      const head = await github.ensureBranchCommit(action.pullRequest.branch, pr.files, pr.message);
      if (pass.policyCheckRuns !== false) await ensurePolicyCheck(github, head, prepared);
      await github.updatePullRequest(action.pullRequest.number, {
        title: pr.title,
        body: pr.body,
        // driftgate owns its own labels only; a team's labels on the PR stay.
        labels: [
          ...action.pullRequest.labels.filter((label) => !label.startsWith('driftgate:')),
          ...pr.labels,
        ],
      });
      // The force-push disarmed auto-merge (it was pinned to the old head): arm it again.
      if (pass.handson?.address === action.drift.address)
        await github.addAssignees(action.pullRequest.number, [pass.handson.learner]);
      if (mayArmAutoMerge(merge, action.drift.stack, training))
        await github.enableAutoMerge(action.pullRequest.nodeId, head);
      else if (action.pullRequest.autoMerge && !autoMergeAllowed(training, now))
        await github.disableAutoMerge(action.pullRequest.nodeId);
      pass.metrics?.pullRequests.inc({ action: 'updated' });
      return { kind: 'update', pullRequest: action.pullRequest.number };
    }
    case 'respect-closed':
      if (action.notify) {
        await github.ensureLabels([LABEL_IGNORED]);
        await github.commentAndLabel(
          action.pullRequest.number,
          `This PR was closed without merging, so driftgate treats the drift on ${inlineCode(action.drift.address)} (fingerprint ${inlineCode(action.drift.fingerprint)}) as accepted and will not open it again. If the live value changes again, a new PR will say so.`,
          LABEL_IGNORED,
        );
      }
      return { kind: 'respect-closed', pullRequest: action.pullRequest.number };
    case 'close':
      if (
        action.pullRequest.meta?.learner &&
        (await closeCreditingLearner(github, pass.config, session, action.pullRequest, state, now))
      ) {
        pass.metrics?.pullRequests.inc({ action: 'closed' });
        return { kind: 'close', pullRequest: action.pullRequest.number };
      }
      await github.ensureLabels([LABEL_RESOLVED]);
      await github.closePullRequest(
        action.pullRequest.number,
        `Closing: ${action.reason}.`,
        LABEL_RESOLVED,
      );
      pass.metrics?.pullRequests.inc({ action: 'closed' });
      return { kind: 'close', pullRequest: action.pullRequest.number };
  }
}
