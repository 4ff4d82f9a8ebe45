/**
 * One stack, one scan: read its code, find drift (from a plan JSON, or from live AWS),
 * then apply ignores and tiers. The CLI and the GitHub app both call this.
 */
import type { DriftgateConfig, StackConfig } from '../config/schema.js';

type AttributionConfig = DriftgateConfig['attribution'];
import { driftsFromPlan } from '../drift/from-plan.js';
import type { Drift } from '../drift/model.js';
import type { StackReport } from '../report/model.js';
// The AWS side (the SDK clients behind the scanner and CloudTrail) is imported only by the
// live scan: a plan-fed scan or codify never loads it.
import type { AwsSession } from '../cloud/aws/session.js';
import { readPlanFile, type TerraformPlan } from '../terraform/plan.js';
import { readState } from '../terraform/state-source.js';
import type { TerraformState } from '../terraform/state.js';
import { readStack, type TerraformStack } from '../terraform/stack.js';
import { classifyDrifts } from './classify.js';
import { DriftgateError } from '../errors.js';
import type { PastDecisions } from '../context/ledger-source.js';

export const EMPTY_POLICY: Pick<DriftgateConfig, 'ignore' | 'tiers' | 'hotfix_tag'> = {
  ignore: [],
  tiers: { rules: [], use_defaults: true },
  hotfix_tag: 'driftgate:hotfix',
};

export interface StackScanInput {
  dir: string;
  stackConfig: Pick<StackConfig, 'name' | 'environment'>;
  policy: Pick<DriftgateConfig, 'ignore' | 'tiers'> &
    Partial<Pick<DriftgateConfig, 'hotfix_tag' | 'cause' | 'direction_rules' | 'precedent'>>;
  now: Date;
  /** Past decisions from the ledger, for precedent (docs/context.md). */
  pastDecisions?: PastDecisions | undefined;
}

/**
 * Read the stack's `.tf` files. A directory without any is an error, even with a plan: a
 * typo'd directory would otherwise silently drop `ignore_changes`, the provider's tag
 * rules and every rule keyed on the code.
 */
export async function readStackRequired(
  dir: string,
  read: StackReader = stackReader(dir),
): Promise<TerraformStack> {
  const stack = await read();
  if (stack.files.length === 0) {
    throw new DriftgateError(
      'no .tf files in this directory: it is not a Terraform root module',
      { file: dir },
      "pass the directory that holds the stack's .tf files",
    );
  }
  return stack;
}

/** Reads a stack's `.tf` files once, however many steps (state location, scan, codify) ask. */
export type StackReader = () => Promise<TerraformStack>;

/** `lazy`: blocks' bodies read on first use (terraform/hcl-lazy.ts), for codify. */
export function stackReader(dir: string, options: { lazy?: boolean } = {}): StackReader {
  let read: Promise<TerraformStack> | undefined;
  return () => (read ??= readStack(dir, options));
}

export function finishStackReport(
  input: StackScanInput,
  stack: TerraformStack | undefined,
  found: {
    drifts: Drift[];
    source: 'plan' | 'aws';
    notScanned?: StackReport['notScanned'];
    warnings?: string[];
    apiCalls?: Record<string, number>;
  },
): StackReport {
  const classified = classifyDrifts({
    drifts: found.drifts,
    stack,
    stackName: input.stackConfig.name,
    environment: input.stackConfig.environment,
    config: input.policy,
    now: input.now,
    pastDecisions: input.pastDecisions?.decisions,
  });
  return {
    name: input.stackConfig.name,
    dir: input.dir,
    environment: input.stackConfig.environment,
    source: found.source,
    drifts: classified.drifts,
    notScanned: found.notScanned ?? [],
    warnings: [
      ...(found.warnings ?? []),
      ...classified.warnings,
      ...(input.pastDecisions?.warnings ?? []),
    ],
    apiCalls: found.apiCalls ?? {},
  };
}

export async function scanStackFromPlan(
  input: StackScanInput & { planPath: string; readStack?: StackReader },
): Promise<StackReport> {
  const stack = await readStackRequired(input.dir, input.readStack);
  const plan = await readPlanFile(input.planPath);
  return scanLoadedPlan({ ...input, stack, plan });
}

/** Drift from a plan already read (the app downloads it from a workflow run's artifact). */
export function scanLoadedPlan(
  input: StackScanInput & { stack: TerraformStack | undefined; plan: TerraformPlan },
): StackReport {
  const { stack, plan } = input;
  const warnings: string[] = [];
  if (plan.errored)
    warnings.push('the plan errored: Terraform may not have refreshed every resource');
  if (!plan.hasDriftSection && plan.formatVersion === '0.1') {
    // Terraform omits an empty resource_drift; only format 0.1 (before 0.15.4) cannot have one.
    warnings.push(
      'this plan format (0.1) predates resource_drift: use Terraform 0.15.4 or later to see drift',
    );
  }
  return finishStackReport(input, stack, {
    drifts: driftsFromPlan(plan, input.stackConfig.name).map((drift) => ({
      ...drift,
      attributionSkipped: 'plan' as const,
    })),
    source: 'plan',
    warnings,
  });
}

export async function scanStackLive(
  input: StackScanInput & {
    session: AwsSession;
    stateLocation: string;
    workspace?: string | undefined;
    attribution?: AttributionConfig;
    readStack?: StackReader;
  },
): Promise<StackReport> {
  const stack = await readStackRequired(input.dir, input.readStack);
  const { describeAwsError } = await import('../cloud/aws/session.js');
  const state = await readState(input.stateLocation, {
    workspace: input.workspace,
    s3: input.session.s3(),
  }).catch((error: unknown) => {
    throw describeAwsError(error, `reading state ${input.stateLocation}`);
  });
  return scanLoadedStack({ ...input, stack, state });
}

/** The live scan of a stack whose code and state are already read (the app reads them through the GitHub API). */
export async function scanLoadedStack(
  input: StackScanInput & {
    session: AwsSession;
    stack: TerraformStack | undefined;
    state: TerraformState;
    attribution?: AttributionConfig;
  },
): Promise<StackReport> {
  const { scanLiveAws } = await import('../cloud/aws/scanner.js');
  const live = await scanLiveAws({
    session: input.session,
    state: input.state,
    stack: input.stack,
    stackName: input.stackConfig.name,
  });
  const attributed = await attribute(
    live.drifts,
    input.state,
    input.session,
    input.attribution ?? DEFAULT_ATTRIBUTION,
  );
  return finishStackReport(input, input.stack, {
    drifts: attributed.drifts,
    source: 'aws',
    notScanned: live.notScanned,
    warnings: attributed.warnings,
    apiCalls: { ...input.session.calls },
  });
}

export const DEFAULT_ATTRIBUTION: AttributionConfig = {
  source: 'lookup-events',
  lookback_hours: 168,
};

async function attribute(
  drifts: Drift[],
  state: TerraformState,
  session: AwsSession,
  settings: AttributionConfig,
): Promise<{ drifts: Drift[]; warnings: string[] }> {
  if (settings.source === 'off') {
    return {
      drifts: drifts.map((drift) => ({ ...drift, attributionSkipped: 'off' as const })),
      warnings: [],
    };
  }
  if (drifts.length === 0) return { drifts, warnings: [] };
  const { attributeDrifts, attributionSourceFor } = await import('../cloud/aws/attribution.js');
  const source = attributionSourceFor(session, settings)!;
  const instances = new Map(state.instances.map((instance) => [instance.address, instance]));
  return attributeDrifts(drifts, instances, source);
}
