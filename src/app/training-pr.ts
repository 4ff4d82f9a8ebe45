/**
 * Training mode in a scan pass: which PR goes to which learner (a new matching drift, or
 * `/driftgate handson`), kept across rewrites of the PR; and the GitHub side of it —
 * the assignee, and auto-merge left unarmed while the hold lasts.
 */
import {
  assignmentForNewDrift,
  holdActive,
  holdUntil,
  type TrainingAssignment,
} from '../context/training.js';
import type { Tier } from '../drift/model.js';
import type { ReconcileAction } from '../github/reconcile.js';
import type { ScanPass } from './reconcile-stack.js';

/** `/driftgate handson @login` on the PR of this address. */
export interface HandsOnRequest {
  address: string;
  learner: string;
  by: string;
}

/**
 * A PR the command assigns is rewritten even when its drift is unchanged: its body gets the
 * checklist and its metadata the learner.
 */
export function withHandsOn(pass: ScanPass, actions: ReconcileAction[]): ReconcileAction[] {
  const request = pass.handson;
  if (!request) return actions;
  return actions.map((action) =>
    action.kind === 'unchanged' && action.drift.address === request.address
      ? { kind: 'update', drift: action.drift, pullRequest: action.pullRequest }
      : action,
  );
}

/** The assignment a created or rewritten PR carries, if any. */
export async function trainingFor(
  pass: ScanPass,
  action: Extract<ReconcileAction, { kind: 'create' | 'update' }>,
  tier: Tier,
): Promise<TrainingAssignment | undefined> {
  if (action.kind === 'update') {
    if (pass.handson?.address === action.drift.address)
      return {
        learner: pass.handson.learner,
        holdUntil: holdUntil(pass.now, pass.config.training?.hold_hours),
        by: pass.handson.by,
      };
    const meta = action.pullRequest.meta;
    return meta?.learner && meta.hold_until
      ? { learner: meta.learner, holdUntil: meta.hold_until, by: meta.learner_by }
      : undefined;
  }
  if (!pass.config.training) return undefined;
  // The learners' load: open training PRs, read once per pass and counted as PRs open.
  pass.trainingLoad ??= (await pass.github.listDriftgatePullRequests())
    .filter((pullRequest) => pullRequest.state === 'open' && pullRequest.meta?.learner)
    .map((pullRequest) => pullRequest.meta!.learner!);
  const assignment = assignmentForNewDrift(
    pass.config.training,
    action.drift,
    tier,
    pass.trainingLoad,
    pass.now,
  );
  if (assignment) pass.trainingLoad.push(assignment.learner);
  return assignment;
}

/** May GitHub's auto-merge be armed on this PR now? Not while a learner's hold lasts. */
export function autoMergeAllowed(training: TrainingAssignment | undefined, now: Date): boolean {
  return !training || !holdActive({ hold_until: training.holdUntil }, now);
}
