/**
 * Scan one repository's stacks and reconcile its remediation PRs. Triggered by
 * `repository_dispatch` (action `driftgate-scan`); two triggers for the same repository
 * never run at once (they queue), so racing deliveries cannot open duplicate PRs.
 */
import type { Context } from 'probot';
import { AwsSession, describeAwsError } from '../cloud/aws/session.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Direction, Drift } from '../drift/model.js';
import { DriftgateError } from '../errors.js';
import {
  pullRequestTitle,
  renderPullRequestBody,
  type PullRequestModel,
} from '../github/pr-body.js';
import {
  branchFor,
  LABEL_IGNORED,
  LABEL_RESOLVED,
  planReconcile,
  type ReconcileAction,
} from '../github/reconcile.js';
import {
  DASHBOARD_TITLE,
  LABEL_DASHBOARD,
  dashboardNeedsWrite,
  mergeDashboard,
  parseDashboard,
  renderDashboard,
  type DashboardStack,
} from '../github/dashboard.js';
import type { GitHubRepository, FileToCommit } from '../github/repository.js';
import { repositoryFor, type AppEnvironment } from './environment.js';
import { isRuleActive } from '../drift/ignore.js';
import {
  LABEL_ADVISORY,
  checksVerdict,
  decideMergeMode,
  describeMergeMode,
  tierFromLabels,
  tierLabel,
  type MergeMode,
  type RepositoryMergeSettings,
} from '../policy/merge.js';
import { PullRequestBudget } from '../policy/pr-budget.js';
import type { Tier } from '../drift/model.js';
import { codifyDrifts } from '../remediation/codify/codify.js';
import { unifiedDiff } from '../remediation/codify/diff.js';
import { commitTrailers, ledgerPath, renderLedgerRecord } from '../remediation/ledger.js';
import { planRevert, type RevertPlan } from '../remediation/revert.js';
import { terraformTargetCommands } from '../remediation/shell.js';
import { scanLoadedPlan, scanLoadedStack } from '../scan/scan-stack.js';
import { parsePlan } from '../terraform/plan.js';
import { parseState, type StateInstance, type TerraformState } from '../terraform/state.js';
import { readState, s3LocationFromBackend } from '../terraform/state-source.js';
import { buildStack, type TerraformStack } from '../terraform/stack.js';
import { ensureCheckRun } from '../github/check-runs.js';
import { codeBlock, inlineCode } from '../report/markdown.js';
import { readRepositoryConfig } from './config-check.js';
import type { MetadataKey } from '../github/hidden-json.js';

export interface DirectionChoice {
  direction: Direction;
  by: string;
}

/** Directions chosen by `/driftgate codify|revert`, by resource address. */
export type DirectionOverrides = Map<string, DirectionChoice>;

export interface StackScanResult {
  stack: string;
  drifts: number;
  actions: (ReconcileAction['kind'] | 'deferred')[];
  error?: string;
}

/** Per installation (or per repository when the trigger has no installation). */
const budget = new PullRequestBudget();

interface ScanPass {
  github: GitHubRepository;
  config: DriftgateConfig;
  now: Date;
  overrides: DirectionOverrides;
  budgetKey: string;
  /** PRs opened in this pass: never self-merged in the pass that opened them. */
  openedNow: Set<number>;
  plan: PlanArtifact | undefined;
}

const running = new Map<string, Promise<unknown>>();

/** Run `work` after any scan of the same repository already under way. */
export function serialisePerRepository<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = running.get(key) ?? Promise.resolve();
  const next = previous.then(work);
  // The queue holds a promise that always settles quietly: a failed job is its caller's to
  // handle, never an unhandled rejection (which would end the process).
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  running.set(key, settled);
  void settled.then(() => {
    if (running.get(key) === settled) running.delete(key);
  });
  return next;
}

async function readStackState(
  github: GitHubRepository,
  stackConfig: StackConfig,
  stack: TerraformStack,
  session: AwsSession,
): Promise<TerraformState> {
  const location =
    stackConfig.state ??
    (stack.backend
      ? (({ bucket, key }) => `s3://${bucket}/${key}`)(
          s3LocationFromBackend(stack.backend, stackConfig.workspace),
        )
      : `${stackConfig.dir}/terraform.tfstate`);
  if (location.startsWith('s3://')) {
    return readState(location, {
      workspace: stackConfig.state ? stackConfig.workspace : undefined,
      s3: session.s3(),
    }).catch((error: unknown) => {
      throw describeAwsError(error, `reading state ${location}`);
    });
  }
  const text = await github.readFile(location);
  if (text === undefined)
    throw new DriftgateError(
      `no state at ${location} in the repository`,
      {},
      'set stacks[].state to the state file or s3:// URL',
    );
  return parseState(text, location);
}

/** The drifted resource's id and recorded attributes (a rule resource's group and rule). */
function revertTargetOf(
  state: TerraformState,
  address: string,
): { id: string; attributes: Record<string, unknown> | undefined } {
  const instance: StateInstance | undefined = state.instances.find(
    (candidate) => candidate.address === address,
  );
  return { id: String(instance?.attributes.id ?? ''), attributes: instance?.attributes };
}

async function remediationFor(
  key: MetadataKey,
  drift: Drift,
  files: FileToCommit[],
  state: TerraformState,
  now: Date,
  override: DirectionChoice | undefined,
  tier: Tier,
  mergeNote: string,
  plan: PlanArtifact | undefined,
  /** The stack's region: the printed aws commands carry it. */
  region: string,
) {
  const direction = drift.direction ?? 'revert';
  const policyTier = drift.tier ?? 2;
  const revert: RevertPlan =
    drift.source === 'plan'
      ? {
          // A plan's drift can be of any provider, and its pre-check needs a new plan: it
          // is reverted by `terraform apply`, never by driftgate's own API calls.
          operations: [],
          refusals: [
            {
              path: '',
              reason:
                "found by a Terraform plan: reverted by `terraform apply -target` (the repository's apply workflow, when configured)",
            },
          ],
          terraformCommands: terraformTargetCommands(drift.address),
        }
      : planRevert(drift, { ...revertTargetOf(state, drift.address), region });
  const codify = await codifyDrifts(
    '.',
    files.map((file) => ({ path: file.path, text: file.content })),
    [drift],
  );
  const codifyRefusals = codify.refused.map((refusal) => ({
    subject: refusal.path || drift.address,
    reason: `${refusal.reason}${refusal.file ? ` (${refusal.file}${refusal.line ? `:${refusal.line}` : ''})` : ''}`,
  }));
  const model: PullRequestModel = {
    drift,
    direction,
    tier,
    revert,
    codifyDiff: unifiedDiff(codify),
    codifyRefusals,
    override,
    mergeNote,
    raisedFrom: tier > policyTier ? policyTier : undefined,
    plan,
  };
  const changedCode =
    direction === 'codify'
      ? [...codify.after]
          .filter(([path, text]) => text !== codify.before.get(path))
          .map(([path, content]) => ({ path, content }))
      : [];
  const ledger = {
    path: ledgerPath(drift, now),
    content: renderLedgerRecord({ drift, direction, tier, revert, date: now }),
  };
  const summary =
    drift.security && drift.security.direction !== 'neutral'
      ? `\n\nSecurity: ${drift.security.direction}: ${drift.security.explanation}.`
      : '';
  return {
    title: pullRequestTitle(model),
    body: renderPullRequestBody(key, model),
    files: [...changedCode, ledger],
    message: `driftgate: ${direction} drift on ${drift.address}${summary}\n\n${commitTrailers(drift, direction, tier)}\n`,
    labels: [tierLabel(tier), `driftgate:${direction}`, ...(tier === 3 ? [LABEL_ADVISORY] : [])],
    draft: tier === 3,
  };
}

interface StackOutcome {
  result: StackScanResult;
  row: DashboardStack;
}

export interface DetectedStack {
  files: FileToCommit[];
  state: TerraformState;
  drifts: Drift[];
  notScanned: { address: string; type: string; reason: string }[];
}

/** Where a plan JSON for one stack is: an artifact of a workflow run in the repository. */
export interface PlanArtifact {
  runId: number;
  artifact: string;
}

/**
 * Read a stack's code and state from the repository and find its drifts (no writes): by a
 * live AWS scan, or from a Terraform plan JSON a workflow uploaded.
 */
export async function detectStackDrifts(
  github: GitHubRepository,
  config: DriftgateConfig,
  stackConfig: StackConfig,
  session: AwsSession,
  now: Date,
  ref?: string,
  plan?: PlanArtifact,
): Promise<DetectedStack> {
  const files = await github.readStackFiles(stackConfig.dir, ref);
  const tf = files
    .filter((file) => file.path.endsWith('.tf'))
    .map((file) => ({ path: file.path, text: file.content }));
  const stack = tf.length ? await buildStack(stackConfig.dir, tf) : undefined;
  if (plan) {
    const artifact = await github.downloadPlanArtifact(
      plan.runId,
      plan.artifact,
      config.limits.plan_json_bytes,
    );
    const parsed = parsePlan(artifact.text, artifact.path);
    const report = scanLoadedPlan({
      dir: stackConfig.dir,
      stackConfig,
      policy: config,
      now,
      stack,
      plan: parsed,
    });
    return {
      files,
      state: {
        format: 'show-json',
        terraformVersion: parsed.terraformVersion,
        serial: undefined,
        lineage: undefined,
        instances: parsed.priorState,
      },
      drifts: report.drifts,
      notScanned: report.notScanned,
    };
  }
  const state = await readStackState(
    github,
    stackConfig,
    stack ?? (await buildStack(stackConfig.dir, [])),
    session,
  );
  const report = await scanLoadedStack({
    dir: stackConfig.dir,
    stackConfig,
    policy: config,
    attribution: config.attribution,
    now,
    session,
    stack,
    state,
  });
  return { files, state, drifts: report.drifts, notScanned: report.notScanned };
}

async function scanStack(pass: ScanPass, stackConfig: StackConfig): Promise<StackOutcome> {
  const { github, config, now, overrides } = pass;
  const session = new AwsSession({ region: stackConfig.aws.region, roleArn: stackConfig.aws.role });
  try {
    const {
      files,
      state,
      drifts: found,
      notScanned,
    } = await detectStackDrifts(github, config, stackConfig, session, now, undefined, pass.plan);
    const report = { drifts: found, notScanned };
    const pullRequests = await github.listDriftgatePullRequests();
    const chosen = new Map<string, DirectionChoice>();
    const drifts = report.drifts.map((drift) => {
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
    const actions = planReconcile(stackConfig.name, drifts, pullRequests, now);
    const kinds: StackScanResult['actions'] = [];
    const row: DashboardStack = {
      name: stackConfig.name,
      environment: stackConfig.environment,
      scannedAt: now.toISOString(),
      drifts: [],
      notScanned: countByType(report.notScanned),
    };
    for (const action of actions) {
      const outcome = await applyAction(pass, action, files, state, chosen, session.region);
      kinds.push(outcome.kind);
      if (action.kind === 'close') continue;
      row.drifts.push({
        address: action.drift.address,
        fingerprint: action.drift.fingerprint,
        tier: action.drift.tier ?? 2,
        direction: action.drift.direction ?? 'revert',
        ...(outcome.pullRequest ? { pullRequest: outcome.pullRequest } : {}),
        ...(outcome.kind === 'deferred' ? { deferred: true } : {}),
      });
    }
    return {
      result: { stack: stackConfig.name, drifts: report.drifts.length, actions: kinds },
      row,
    };
  } finally {
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

async function mergeModeFor(
  github: GitHubRepository,
  tier: Tier,
): Promise<{ mode: MergeMode; note: string }> {
  // Only tier 1 needs the repository's merge settings; tiers 2 and 3 cost no reads.
  const settings: RepositoryMergeSettings =
    tier === 1 ? await github.mergeSettings() : { allowAutoMerge: false, requiredChecks: [] };
  const mode = decideMergeMode(tier, settings);
  return { mode, note: describeMergeMode(mode, settings) };
}

async function applyAction(
  pass: ScanPass,
  action: ReconcileAction,
  files: FileToCommit[],
  state: TerraformState,
  chosen: Map<string, DirectionChoice>,
  region: string,
): Promise<ActionOutcome> {
  const { github, now } = pass;
  // What a created or rewritten PR carries at `tier`, with its labels ensured.
  const prepare = async (drift: Drift, tier: Tier) => {
    const merge = await mergeModeFor(github, tier);
    const pr = await remediationFor(
      github.records.key,
      drift,
      files,
      state,
      now,
      chosen.get(drift.address),
      tier,
      merge.note,
      pass.plan,
      region,
    );
    await github.ensureLabels(pr.labels);
    return { merge, pr };
  };
  switch (action.kind) {
    case 'unchanged':
      return { kind: 'unchanged', pullRequest: action.pullRequest.number };
    case 'create': {
      if (!budget.take(pass.budgetKey, pass.config.limits.prs_per_hour, now))
        return { kind: 'deferred' };
      const { merge, pr } = await prepare(action.drift, action.drift.tier ?? 2);
      await github.ensureBranchCommit(action.branch, pr.files, pr.message);
      const opened = await github.openPullRequest({
        branch: action.branch,
        title: pr.title,
        body: pr.body,
        draft: pr.draft,
        labels: pr.labels,
      });
      pass.openedNow.add(opened.number);
      if (merge.mode.kind === 'github-auto-merge')
        await github.enableAutoMerge(opened.nodeId, opened.headSha);
      return { kind: 'create', pullRequest: opened.number };
    }
    case 'update': {
      // A tier a person raised by label survives the rewrite; policy only sets the floor.
      const policyTier = action.drift.tier ?? 2;
      const tier = Math.max(policyTier, tierFromLabels(action.pullRequest.labels) ?? 0) as Tier;
      const { merge, pr } = await prepare(action.drift, tier);
      const head = await github.ensureBranchCommit(action.pullRequest.branch, pr.files, pr.message);
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
      if (merge.mode.kind === 'github-auto-merge')
        await github.enableAutoMerge(action.pullRequest.nodeId, head);
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
      await github.ensureLabels([LABEL_RESOLVED]);
      await github.closePullRequest(
        action.pullRequest.number,
        `Closing: ${action.reason}.`,
        LABEL_RESOLVED,
      );
      return { kind: 'close', pullRequest: action.pullRequest.number };
  }
}

export type SelfMergeOutcome =
  { number: number; kind: 'merged' } | { number: number; kind: 'waiting'; reason: string };

/**
 * Tier-1 PRs in a repository where GitHub cannot auto-merge them: merge each once every
 * check on its head is green. A PR opened in this very pass waits for the next one, so
 * CI has a chance to start and people a chance to look.
 */
export async function mergeGreenTierOnePullRequests(
  github: GitHubRepository,
  openedNow: ReadonlySet<number> = new Set(),
): Promise<SelfMergeOutcome[]> {
  const outcomes: SelfMergeOutcome[] = [];
  const candidates = (await github.listDriftgatePullRequests()).filter(
    (pullRequest) =>
      pullRequest.state === 'open' &&
      pullRequest.meta &&
      !pullRequest.draft &&
      tierFromLabels(pullRequest.labels) === 1 &&
      !openedNow.has(pullRequest.number),
  );
  if (!candidates.length) return outcomes;
  const mode = decideMergeMode(1, await github.mergeSettings());
  if (mode.kind !== 'self-merge') return outcomes;
  for (const pullRequest of candidates) {
    const verdict = checksVerdict(await github.checksOn(pullRequest.headSha));
    if (verdict.kind !== 'green') {
      outcomes.push({
        number: pullRequest.number,
        kind: 'waiting',
        reason: `${verdict.kind}: ${verdict.names.join(', ')}`,
      });
      continue;
    }
    await github.mergePullRequest(
      pullRequest.number,
      pullRequest.headSha,
      `driftgate: ${pullRequest.meta!.direction} drift on ${pullRequest.meta!.address}`,
    );
    outcomes.push({ number: pullRequest.number, kind: 'merged' });
  }
  return outcomes;
}

async function updateDashboard(
  github: GitHubRepository,
  config: DriftgateConfig,
  rows: DashboardStack[],
  now: Date,
): Promise<void> {
  const existing = await github.findDashboardIssue(LABEL_DASHBOARD, DASHBOARD_TITLE);
  const previous = parseDashboard(github.records, existing?.body);
  const next = mergeDashboard(
    previous,
    rows,
    config.stacks.map((stack) => stack.name),
    config.ignore.map((rule) => ({
      address: rule.address,
      ...(rule.attributes ? { attributes: rule.attributes } : {}),
      ...(rule.until ? { until: rule.until } : {}),
      ...(rule.reason ? { reason: rule.reason } : {}),
      ...(rule.owner ? { owner: rule.owner } : {}),
      expired: !isRuleActive(rule, now),
    })),
    now,
  );
  if (!dashboardNeedsWrite(previous, next, now)) return;
  // Nothing to say and nothing said before: no issue at all.
  if (
    !existing &&
    next.stacks.every((row) => !row.drifts.length && !row.error) &&
    !next.ignored.length
  )
    return;
  if (existing)
    await github.updateIssueBody(existing.number, renderDashboard(github.records.key, next));
  else {
    await github.ensureLabels([LABEL_DASHBOARD]);
    await github.createIssue(DASHBOARD_TITLE, renderDashboard(github.records.key, next), [
      LABEL_DASHBOARD,
    ]);
  }
}

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
  /** The installation, for the hourly PR cap; absent = per repository. */
  installationId?: number | undefined;
  /** Find drift from this plan JSON instead of scanning AWS (needs `stack`). */
  plan?: PlanArtifact | undefined;
  now?: Date;
}

/** Scan a repository's stacks (or one) and reconcile their PRs; queued per repository. */
export async function scanRepository(
  context: Pick<Context, 'octokit' | 'log'>,
  environment: AppEnvironment,
  request: ScanRequest,
): Promise<StackScanResult[]> {
  const { owner, repo, defaultBranch } = request;
  return serialisePerRepository(`${owner}/${repo}`, async () => {
    const github = repositoryFor(context, environment, owner, repo, defaultBranch);
    const outcome = await readRepositoryConfig(context, owner, repo, defaultBranch);
    if (outcome.kind !== 'valid') {
      // An invalid config is reported by the driftgate/config check run; nothing is touched.
      context.log.warn(
        { repository: `${owner}/${repo}`, config: outcome.kind },
        'not scanning: no valid driftgate config',
      );
      return [];
    }
    const pass: ScanPass = {
      github,
      config: outcome.config,
      now: request.now ?? new Date(),
      overrides: request.overrides ?? new Map(),
      budgetKey: request.installationId
        ? `installation:${request.installationId}`
        : `${owner}/${repo}`,
      openedNow: new Set(),
      plan: request.plan,
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
    const chosenStacks = outcome.config.stacks.filter(
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
        results.push(result);
        rows.push(row);
      } catch (error) {
        const message = error instanceof DriftgateError ? error.format() : (error as Error).message;
        context.log.error({ stack: stackConfig.name, error: message }, 'stack scan failed');
        await reportScanFailure(context, github, `stack ${stackConfig.name}: ${message}`);
        results.push({ stack: stackConfig.name, drifts: 0, actions: [], error: message });
        // The dashboard keeps the stack's last good row; the check run carries the error.
      }
    }
    const merged = await mergeGreenTierOnePullRequests(github, pass.openedNow);
    for (const entry of merged)
      context.log.info({ repository: `${owner}/${repo}`, ...entry }, 'tier-1 self-merge');
    await updateDashboard(github, outcome.config, rows, pass.now);
    return results;
  });
}
