/**
 * The plans a pull request's guard was given, remembered on its `driftgate/guard` check run
 * (the run's `external_id`). Another app, or a workflow with `checks: write`, can create a
 * run of the same name with an `external_id` of its choosing, and the latest run is what
 * GitHub lists first: so the plans are an authenticated record (src/github/hidden-json.ts,
 * keyed with the app's metadata key), and one driftgate did not write names no plan. A plan-fed
 * stack's plan arrives once, by dispatch; "Re-run", a drift PR that changes and the plan of
 * another plan-fed stack must not forget it. The run belongs to one head commit, so a push
 * starts with no plan: the new head waits for its own.
 */
import { z } from 'zod';
import { readHidden, renderHidden, type MetadataKey } from '../github/hidden-json.js';
import type { GuardJob } from '../jobs/payloads.js';
import { GUARD_CHECK } from './guard-verdict.js';
import type { JobContext } from './job-context.js';

export type GuardPlan = NonNullable<GuardJob['plan']>;

const TAG = 'guard-plans';
/** [stack, plan run id, artifact name], validated like the dispatch that brought them. */
const rememberedSchema = z
  .array(
    z.tuple([z.string().min(1).max(100), z.number().int().positive(), z.string().min(1).max(256)]),
  )
  .max(20);

export function plansExternalId(key: MetadataKey, plans: ReadonlyMap<string, GuardPlan>): string {
  return renderHidden(
    key,
    TAG,
    [...plans].map(([stack, plan]) => [stack, plan.runId, plan.artifact]),
  );
}

/** The plans an `external_id` remembers; none when driftgate did not write it (or it is malformed). */
export function parsePlansExternalId(
  key: MetadataKey,
  externalId: string | null | undefined,
): Map<string, GuardPlan> {
  // A record is a few kilobytes at most (20 plans); anything longer is not one.
  if (!externalId || externalId.length > 16_384) return new Map();
  const record = readHidden(key, externalId, TAG, rememberedSchema);
  return new Map(
    record.kind === 'valid'
      ? record.value.map(([stack, runId, artifact]) => [stack, { runId, artifact }] as const)
      : [],
  );
}

/** What the guard's latest run on a head says: its plans, and whether it already failed. */
export interface PreviousGuardRun {
  plans: Map<string, GuardPlan>;
  failed: boolean;
}

/** The guard run on `headSha` as it is before this job writes it. */
export async function previousGuardRun(
  context: JobContext,
  job: GuardJob,
  headSha: string,
): Promise<PreviousGuardRun> {
  const { data } = await context.octokit.rest.checks.listForRef({
    owner: job.owner,
    repo: job.repo,
    ref: headSha,
    check_name: GUARD_CHECK,
    filter: 'latest',
    per_page: 1,
  });
  const run = data.check_runs[0];
  return {
    plans: parsePlansExternalId(context.environment.metadataKey, run?.external_id),
    failed: run?.status === 'completed' && run.conclusion === 'failure',
  };
}

/** The plans this evaluation uses: the remembered ones, with the one this job brings on top. */
export function plansForJob(previous: PreviousGuardRun, job: GuardJob): Map<string, GuardPlan> {
  const plans = new Map(previous.plans);
  if (job.plan && job.stack) plans.set(job.stack, job.plan);
  return plans;
}
