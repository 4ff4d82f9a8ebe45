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
import { GitHubRepository, type FileToCommit } from '../github/repository.js';
import { codifyDrifts } from '../remediation/codify/codify.js';
import { unifiedDiff } from '../remediation/codify/diff.js';
import { commitTrailers, ledgerPath, renderLedgerRecord } from '../remediation/ledger.js';
import { planRevert } from '../remediation/revert.js';
import { scanLoadedStack } from '../scan/scan-stack.js';
import { parseState, type StateInstance, type TerraformState } from '../terraform/state.js';
import { readState, s3LocationFromBackend } from '../terraform/state-source.js';
import { buildStack, type TerraformStack } from '../terraform/stack.js';
import { readRepositoryConfig } from './config-check.js';

export interface DirectionChoice {
  direction: Direction;
  by: string;
}

/** Directions chosen by `/driftgate codify|revert`, by resource address. */
export type DirectionOverrides = Map<string, DirectionChoice>;

export interface StackScanResult {
  stack: string;
  drifts: number;
  actions: ReconcileAction['kind'][];
  error?: string;
}

const running = new Map<string, Promise<unknown>>();

/** Run `work` after any scan of the same repository already under way. */
export function serialisePerRepository<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = running.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  running.set(
    key,
    next.finally(() => {
      if (running.get(key) === next) running.delete(key);
    }),
  );
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

function resourceIdOf(state: TerraformState, address: string): string {
  const instance: StateInstance | undefined = state.instances.find(
    (candidate) => candidate.address === address,
  );
  return String(instance?.attributes.id ?? '');
}

async function remediationFor(
  drift: Drift,
  files: FileToCommit[],
  state: TerraformState,
  now: Date,
  override: DirectionChoice | undefined,
) {
  const direction = drift.direction ?? 'revert';
  const tier = drift.tier ?? 2;
  const revert = planRevert(drift, resourceIdOf(state, drift.address));
  const codify = await codifyDrifts(
    '.',
    files.map((file) => ({ path: file.path, text: file.content })),
    [drift],
  );
  const codifyRefusals = codify.refused.map(
    (refusal) =>
      `\`${refusal.path || drift.address}\`: ${refusal.reason}${refusal.file ? ` (${refusal.file}${refusal.line ? `:${refusal.line}` : ''})` : ''}`,
  );
  const model: PullRequestModel = {
    drift,
    direction,
    tier,
    revert,
    codifyDiff: unifiedDiff(codify),
    codifyRefusals,
    override,
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
    body: renderPullRequestBody(model),
    files: [...changedCode, ledger],
    message: `driftgate: ${direction} drift on ${drift.address}${summary}\n\n${commitTrailers(drift, direction, tier)}\n`,
    labels: [`driftgate:tier-${tier}`, `driftgate:${direction}`],
    draft: tier === 3,
  };
}

async function scanStack(
  github: GitHubRepository,
  config: DriftgateConfig,
  stackConfig: StackConfig,
  now: Date,
  overrides: DirectionOverrides,
): Promise<StackScanResult> {
  const files = await github.readStackFiles(stackConfig.dir);
  const tf = files
    .filter((file) => file.path.endsWith('.tf'))
    .map((file) => ({ path: file.path, text: file.content }));
  const stack = tf.length ? await buildStack(stackConfig.dir, tf) : undefined;
  const session = new AwsSession({ region: stackConfig.aws.region, roleArn: stackConfig.aws.role });
  try {
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
    const actions = planReconcile(stackConfig.name, drifts, pullRequests);
    for (const action of actions) await applyAction(github, action, files, state, now, chosen);
    return {
      stack: stackConfig.name,
      drifts: report.drifts.length,
      actions: actions.map((action) => action.kind),
    };
  } finally {
    session.destroy();
  }
}

async function applyAction(
  github: GitHubRepository,
  action: ReconcileAction,
  files: FileToCommit[],
  state: TerraformState,
  now: Date,
  chosen: Map<string, DirectionChoice>,
): Promise<void> {
  switch (action.kind) {
    case 'unchanged':
      return;
    case 'create': {
      const pr = await remediationFor(
        action.drift,
        files,
        state,
        now,
        chosen.get(action.drift.address),
      );
      await github.ensureLabels(pr.labels);
      await github.ensureBranchCommit(action.branch, pr.files, pr.message);
      await github.openPullRequest({
        branch: action.branch,
        title: pr.title,
        body: pr.body,
        draft: pr.draft,
        labels: pr.labels,
      });
      return;
    }
    case 'update': {
      const pr = await remediationFor(
        action.drift,
        files,
        state,
        now,
        chosen.get(action.drift.address),
      );
      await github.ensureLabels(pr.labels);
      await github.ensureBranchCommit(action.pullRequest.branch, pr.files, pr.message);
      await github.updatePullRequest(action.pullRequest.number, {
        title: pr.title,
        body: pr.body,
        labels: pr.labels,
      });
      return;
    }
    case 'respect-closed':
      if (!action.notify) return;
      await github.ensureLabels([LABEL_IGNORED]);
      await github.commentAndLabel(
        action.pullRequest.number,
        `This PR was closed without merging, so driftgate treats the drift on \`${action.drift.address}\` (fingerprint \`${action.drift.fingerprint}\`) as accepted and will not open it again. If the live value changes again, a new PR will say so.`,
        LABEL_IGNORED,
      );
      return;
    case 'close':
      await github.ensureLabels([LABEL_RESOLVED]);
      await github.closePullRequest(
        action.pullRequest.number,
        `Closing: ${action.reason}.`,
        LABEL_RESOLVED,
      );
      return;
  }
}

export interface ScanRequest {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** Only this stack (by name). */
  stack?: string | undefined;
  overrides?: DirectionOverrides;
}

/** Scan a repository's stacks (or one) and reconcile their PRs; queued per repository. */
export async function scanRepository(
  context: Context,
  request: ScanRequest,
): Promise<StackScanResult[]> {
  const { owner, repo, defaultBranch } = request;
  return serialisePerRepository(`${owner}/${repo}`, async () => {
    const github = new GitHubRepository(context.octokit, owner, repo, defaultBranch);
    const outcome = await readRepositoryConfig(context, owner, repo, defaultBranch);
    if (outcome.kind !== 'valid') {
      // An invalid config is reported by the driftgate/config check run; nothing is touched.
      context.log.warn(
        { repository: `${owner}/${repo}`, config: outcome.kind },
        'not scanning: no valid driftgate config',
      );
      return [];
    }
    const now = new Date();
    const results: StackScanResult[] = [];
    for (const stackConfig of outcome.config.stacks.filter(
      (stack) => !request.stack || stack.name === request.stack,
    )) {
      try {
        results.push(
          await scanStack(github, outcome.config, stackConfig, now, request.overrides ?? new Map()),
        );
      } catch (error) {
        const message = error instanceof DriftgateError ? error.format() : (error as Error).message;
        context.log.error({ stack: stackConfig.name, error: message }, 'stack scan failed');
        results.push({ stack: stackConfig.name, drifts: 0, actions: [], error: message });
      }
    }
    return results;
  });
}
