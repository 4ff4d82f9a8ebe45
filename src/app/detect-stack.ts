/**
 * Reading one stack and finding its drifts, with no writes: by a live AWS scan, or from a
 * Terraform plan JSON a workflow uploaded. Shared by the scan job and the execute job's
 * pre-check and verification.
 */
import type { PastDecisions } from '../context/ledger-source.js';
import { AwsSession, describeAwsError } from '../cloud/aws/session.js';
import type { DriftgateConfig, StackConfig } from '../config/schema.js';
import type { Drift } from '../drift/model.js';
import { DriftgateError } from '../errors.js';
import type { FileToCommit, GitHubRepository } from '../github/repository.js';
import { scanLoadedPlan, scanLoadedStack } from '../scan/scan-stack.js';
import { parsePlan } from '../terraform/plan.js';
import { parseState, type StateInstance, type TerraformState } from '../terraform/state.js';
import { readState, s3LocationFromBackend } from '../terraform/state-source.js';
import { buildStack, type TerraformStack } from '../terraform/stack.js';

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
export function revertTargetOf(
  state: TerraformState,
  address: string,
): { id: string; attributes: Record<string, unknown> | undefined } {
  const instance: StateInstance | undefined = state.instances.find(
    (candidate) => candidate.address === address,
  );
  return { id: String(instance?.attributes.id ?? ''), attributes: instance?.attributes };
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
  /** The plan JSON already in hand (the Action's plan input): nothing to download. */
  json?: { text: string; path: string } | undefined;
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
  resources?: ReadonlySet<string>,
  pastDecisions?: PastDecisions,
): Promise<DetectedStack> {
  const files = await github.readStackFiles(stackConfig.dir, ref);
  const tf = files
    .filter((file) => file.path.endsWith('.tf'))
    .map((file) => ({ path: file.path, text: file.content }));
  const stack = tf.length ? await buildStack(stackConfig.dir, tf) : undefined;
  if (plan) {
    const artifact =
      plan.json ??
      (await github.downloadPlanArtifact(plan.runId, plan.artifact, config.limits.plan_json_bytes));
    const parsed = parsePlan(artifact.text, artifact.path);
    const report = scanLoadedPlan({
      dir: stackConfig.dir,
      stackConfig,
      policy: config,
      now,
      stack,
      plan: parsed,
      pastDecisions,
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
  const fullState = await readStackState(
    github,
    stackConfig,
    stack ?? (await buildStack(stackConfig.dir, [])),
    session,
  );
  const state = resources ? narrowState(fullState, resources) : fullState;
  const report = await scanLoadedStack({
    dir: stackConfig.dir,
    stackConfig,
    policy: config,
    attribution: config.attribution,
    now,
    pastDecisions,
    session,
    stack,
    state,
  });
  return { files, state, drifts: report.drifts, notScanned: report.notScanned };
}

/**
 * The state's instances named by address or by id (a targeted rescan): the live scan then
 * reads only those resources.
 */
export function narrowState(state: TerraformState, resources: ReadonlySet<string>): TerraformState {
  return {
    ...state,
    instances: state.instances.filter(
      (instance) =>
        resources.has(instance.address) ||
        (typeof instance.attributes.id === 'string' && resources.has(instance.attributes.id)),
    ),
  };
}
