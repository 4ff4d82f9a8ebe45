/**
 * One Action run: read the repository's config (with `_extends`) from its default branch,
 * scan the chosen stacks (live AWS with the workflow's credentials, or a plan JSON made
 * earlier in the job), and — in propose mode — reconcile drift PRs and the dashboard with
 * the app's own code (app/reconcile-stack.ts, app/dashboard-update.ts). It never merges and
 * never executes: that needs the app (docs/action.md). A stack's mode is the stricter of its
 * config's (`mode`, `stacks[].mode`) and the `mode` input: a stack the config keeps in
 * `report` gets no PR even from a propose run.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { updateDashboard } from '../app/dashboard-update.js';
import { detectStackDrifts, type PlanArtifact } from '../app/detect-stack.js';
import { scanStack, type ScanPass } from '../app/reconcile-stack.js';
import { AwsSession } from '../cloud/aws/session.js';
import { loadExtendedConfig } from '../config/extends.js';
import { CONFIG_PATH } from '../config/load.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import { DriftgateError, describeError } from '../errors.js';
import { gitHubConfigReader } from '../github/config-files.js';
import type { DashboardStack } from '../github/dashboard.js';
import { metadataKeyFromSecret, type MetadataKey } from '../github/hidden-json.js';
import { GitHubRepository } from '../github/repository.js';
import { MemoryStore } from '../jobs/memory-transport.js';
import { modeOf, stricterMode } from '../policy/modes.js';
import type { ScanReport, StackReport } from '../report/model.js';
import type { ActionInputs, WorkflowRun } from './inputs.js';
import type { ActionOctokit } from './octokit.js';

/** One drift's PR after a propose run. */
export interface ProposedPullRequest {
  stack: string;
  address: string;
  number: number | undefined;
  /** create | update | unchanged | respect-closed | deferred */
  action: string;
}

export interface ActionOutcome {
  report: ScanReport;
  pullRequests: ProposedPullRequest[];
  /** Stacks that could not be scanned, with the reason (one line each). */
  errors: { stack: string; message: string }[];
  /** Stacks run in `report` mode although the input asked for more: the config says report. */
  reportByConfig: string[];
}

export interface ActionDependencies {
  octokit: ActionOctokit;
  now: Date;
  warn: (message: string) => void;
}

const MIN_METADATA_KEY = 16;

export async function runAction(
  inputs: ActionInputs,
  run: WorkflowRun,
  { octokit, now, warn }: ActionDependencies,
): Promise<ActionOutcome> {
  const defaultBranch = await defaultBranchOf(octokit, run);
  const config = await loadExtendedConfig(gitHubConfigReader(octokit), {
    owner: run.owner,
    repo: run.repo,
    path: CONFIG_PATH,
    ref: defaultBranch,
  });
  if (!config)
    throw new DriftgateError(`no ${CONFIG_PATH} on ${run.owner}/${run.repo}'s ${defaultBranch}`);
  const stacks = chooseStacks(config, inputs);
  const plan = inputs.planJson ? await readPlan(inputs.planJson, run, config) : undefined;
  const github = new GitHubRepository(octokit, run.owner, run.repo, defaultBranch, {
    key: metadataKeyFor(inputs),
    onRejected: (tag, reason) =>
      warn(`ignored a driftgate record that is not authentic (${tag}: ${reason})`),
  });
  // What the app keeps in Redis lives for this run only: the hourly PR window and the
  // CloudTrail limiter. A workflow's `concurrency` group keeps runs from overlapping.
  const store = new MemoryStore();
  const waitForSlot = async (limiter: string, key: string, perSecond: number) => {
    const wait = await store.reserveSlot(
      `rate:${limiter}:${key}`,
      Math.ceil(1000 / perSecond),
      Date.now(),
    );
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const pass: ScanPass = {
    github,
    config,
    now,
    overrides: new Map(),
    takePullRequestSlot: () =>
      store.takeFromWindow(
        `prs:${run.owner}/${run.repo}`,
        config.limits.prs_per_hour,
        3_600_000,
        now.getTime(),
      ),
    openedNow: new Set(),
    plan,
    resources: undefined,
    lock: undefined,
    metrics: undefined,
    waitForSlot,
    // The Action never merges or executes: at most propose, and less when the config says so.
    modeCap: inputs.mode,
    // No check runs: findings are in the PR body and raise its tier (docs/action.md).
    policyCheckRuns: false,
  };
  const outcome: ActionOutcome = {
    report: { generatedAt: now.toISOString(), stacks: [] },
    pullRequests: [],
    errors: [],
    reportByConfig: [],
  };
  const rows: DashboardStack[] = [];
  let proposed = false;
  for (const stackConfig of stacks) {
    const mode = stricterMode(modeOf(config, stackConfig), inputs.mode);
    if (mode !== inputs.mode) outcome.reportByConfig.push(stackConfig.name);
    try {
      if (mode === 'propose') {
        proposed = true;
        const { row, found, result } = await scanStack(pass, stackConfig);
        // One row per drift, in the order of the actions that are not closes.
        const kinds = result.actions.filter((kind) => kind !== 'close');
        rows.push(row);
        outcome.report.stacks.push(stackReport(stackConfig, plan, found));
        for (const [index, drift] of row.drifts.entries())
          outcome.pullRequests.push({
            stack: stackConfig.name,
            address: drift.address,
            number: drift.pullRequest,
            action: kinds[index] ?? 'unchanged',
          });
      } else {
        outcome.report.stacks.push(
          await detectOnly(github, config, stackConfig, plan, now, waitForSlot),
        );
      }
    } catch (error) {
      outcome.errors.push({ stack: stackConfig.name, message: describeError(error) });
    }
  }
  // The dashboard keeps a failed stack's last good row, as in the app.
  // A stack in report mode writes nothing, the dashboard included.
  if (proposed) await updateDashboard(github, config, rows, now);
  return outcome;
}

async function detectOnly(
  github: GitHubRepository,
  config: DriftgateConfig,
  stackConfig: StackConfig,
  plan: PlanArtifact | undefined,
  now: Date,
  waitForSlot: ScanPass['waitForSlot'],
): Promise<StackReport> {
  const session = new AwsSession({
    region: stackConfig.aws.region,
    roleArn: stackConfig.aws.role,
    waitForSlot,
  });
  try {
    const found = await detectStackDrifts(
      github,
      config,
      stackConfig,
      session,
      now,
      undefined,
      plan,
    );
    return stackReport(stackConfig, plan, { ...found, apiCalls: { ...session.calls } });
  } finally {
    session.destroy();
  }
}

function stackReport(
  stackConfig: StackConfig,
  plan: PlanArtifact | undefined,
  found: Pick<StackReport, 'drifts' | 'notScanned' | 'apiCalls'>,
): StackReport {
  return {
    name: stackConfig.name,
    dir: stackConfig.dir,
    environment: stackConfig.environment,
    source: plan ? 'plan' : 'aws',
    drifts: found.drifts,
    notScanned: found.notScanned,
    warnings: [],
    apiCalls: plan ? {} : found.apiCalls,
  };
}

/** The stacks input, or every configured stack whose source is the run's. */
function chooseStacks(config: DriftgateConfig, inputs: ActionInputs): StackConfig[] {
  if (!inputs.stacks.length) {
    const all = config.stacks.filter((stack) => stack.source === inputs.source);
    if (!all.length)
      throw new DriftgateError(`no stack with \`source: ${inputs.source}\` in ${CONFIG_PATH}`);
    return all;
  }
  return inputs.stacks.map((name) => {
    const stack = config.stacks.find((candidate) => candidate.name === name);
    if (!stack)
      throw new DriftgateError(
        `no stack ${JSON.stringify(name)} in ${CONFIG_PATH} (configured: ${config.stacks.map((candidate) => candidate.name).join(', ')})`,
      );
    return stack;
  });
}

async function readPlan(
  path: string,
  run: WorkflowRun,
  config: DriftgateConfig,
): Promise<PlanArtifact> {
  const size = await stat(path).then(
    (info) => info.size,
    (error: NodeJS.ErrnoException) => {
      throw new DriftgateError(`cannot read the plan JSON: ${error.code ?? String(error)}`, {
        file: path,
      });
    },
  );
  if (size > config.limits.plan_json_bytes)
    throw new DriftgateError(
      `the plan JSON is ${size} bytes, over limits.plan_json_bytes (${config.limits.plan_json_bytes})`,
      { file: path },
    );
  return {
    runId: run.runId,
    artifact: basename(path),
    json: { text: await readFile(path, 'utf8'), path },
  };
}

function metadataKeyFor(inputs: ActionInputs): MetadataKey {
  if (inputs.metadataKey) {
    if (inputs.metadataKey.length < MIN_METADATA_KEY)
      throw new DriftgateError(
        `input metadata-key is ${inputs.metadataKey.length} characters: use at least ${MIN_METADATA_KEY}`,
      );
    return metadataKeyFromSecret(inputs.metadataKey);
  }
  if (inputs.mode === 'propose')
    throw new DriftgateError(
      'propose mode needs input metadata-key (a secret of 16+ characters): driftgate signs the records in its PRs with it and reads back only what it signed',
    );
  // Report mode writes and reads no records: a key of this run alone.
  return metadataKeyFromSecret(randomBytes(32).toString('hex'));
}

/** The default branch: from the event payload when it carries the repository, else the API. */
async function defaultBranchOf(octokit: ActionOctokit, run: WorkflowRun): Promise<string> {
  if (run.eventPath) {
    const event = JSON.parse(await readFile(run.eventPath, 'utf8').catch(() => '{}')) as {
      repository?: { default_branch?: unknown };
    };
    const branch = event.repository?.default_branch;
    if (typeof branch === 'string' && branch) return branch;
  }
  const { data } = await octokit.rest.repos.get({ owner: run.owner, repo: run.repo });
  return data.default_branch;
}
