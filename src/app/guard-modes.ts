/**
 * The mode inside a scan: what a stack's reconcile actions become in `report` mode (no
 * write at all; the dashboard still lists each drift with the PR it already has), and the
 * note every PR carries about its mode.
 */
import type { ReconcileAction } from '../github/reconcile.js';
import { describeMode, type Mode } from '../policy/modes.js';

/** In report mode an action is only noted: the PR it already has, if any. */
export function reportedAction(action: ReconcileAction): {
  kind: 'reported';
  pullRequest?: number;
} {
  return action.kind === 'create'
    ? { kind: 'reported' }
    : { kind: 'reported', pullRequest: action.pullRequest.number };
}

/** The "how this PR merges" note, with the mode said first; propose replaces the merge note. */
export function modeMergeNote(mode: Mode, mergeNote: string): string {
  return mode === 'remediate' ? `${describeMode(mode)} ${mergeNote}` : describeMode(mode);
}
