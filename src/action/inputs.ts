/**
 * The Action's inputs, as the runner passes them (`INPUT_<NAME>` with the name upper-cased,
 * spaces as underscores, dashes kept), and the workflow's own variables (`GITHUB_*`).
 */
import { DriftgateError } from '../errors.js';

export type ActionMode = 'report' | 'propose';

export interface ActionInputs {
  /** Stack names; empty = every configured stack of the source. */
  stacks: string[];
  source: 'aws' | 'plan';
  /** The plan JSON (`terraform show -json` of a plan) when source is plan. */
  planJson: string | undefined;
  mode: ActionMode;
  token: string;
  /** The secret behind driftgate's hidden PR records (propose mode). */
  metadataKey: string | undefined;
  detailedExitcode: boolean;
  /** Where the JSON report is written. */
  reportPath: string;
}

export interface WorkflowRun {
  owner: string;
  repo: string;
  apiUrl: string;
  runId: number;
  eventPath: string | undefined;
  outputPath: string | undefined;
  summaryPath: string | undefined;
}

function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] ?? '').trim();
}

function booleanInput(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = input(env, name).toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new DriftgateError(`input ${name} must be true or false, not ${JSON.stringify(value)}`);
}

export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const stacks = input(env, 'stacks')
    .split(/[\s,]+/)
    .filter(Boolean);
  const planJson = input(env, 'plan-json') || undefined;
  const source = input(env, 'source') || (planJson ? 'plan' : 'aws');
  if (source !== 'aws' && source !== 'plan')
    throw new DriftgateError(`input source must be aws or plan, not ${JSON.stringify(source)}`);
  if (source === 'plan' && !planJson)
    throw new DriftgateError('input source is plan: set plan-json to the plan JSON file');
  if (source === 'plan' && stacks.length !== 1)
    throw new DriftgateError("a plan JSON is one stack's: name it in the stacks input");
  if (source === 'aws' && planJson)
    throw new DriftgateError('input plan-json is set but source is aws: drop one of them');
  const mode = input(env, 'mode') || 'report';
  if (mode !== 'report' && mode !== 'propose')
    throw new DriftgateError(`input mode must be report or propose, not ${JSON.stringify(mode)}`);
  const token = input(env, 'token');
  if (!token)
    throw new DriftgateError('input token is empty: pass ${{ github.token }} or an app token');
  const metadataKey = input(env, 'metadata-key') || undefined;
  const temp = env.RUNNER_TEMP || '.';
  return {
    stacks,
    source,
    planJson,
    mode,
    token,
    metadataKey,
    detailedExitcode: booleanInput(env, 'detailed-exitcode'),
    reportPath: input(env, 'report-path') || `${temp.replace(/\/$/, '')}/driftgate-report.json`,
  };
}

export function readWorkflowRun(env: NodeJS.ProcessEnv): WorkflowRun {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new DriftgateError(
      'GITHUB_REPOSITORY is not owner/name: run driftgate as a workflow step',
    );
  return {
    owner,
    repo,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, ''),
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    outputPath: env.GITHUB_OUTPUT || undefined,
    summaryPath: env.GITHUB_STEP_SUMMARY || undefined,
  };
}
