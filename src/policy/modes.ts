/**
 * What driftgate may do by itself in a stack, by mode (docs/guardrails.md#modes). Pure.
 *
 * - report: find drift and say so (dashboard, the guard check, notifications); no branch,
 *   PR or execution.
 * - propose: open and keep remediation PRs; never merge them (no auto-merge, no self-merge)
 *   and never execute a merged one.
 * - remediate: everything the tiers allow.
 */
import type { DriftgateConfig, StackConfig } from '../config/schema.js';

export type Mode = DriftgateConfig['mode'];

/** A stack's own mode wins over the repository's. */
export function modeOf(
  config: Pick<DriftgateConfig, 'mode'>,
  stack: Pick<StackConfig, 'mode'> | undefined,
): Mode {
  return stack?.mode ?? config.mode;
}

/** The mode of the stack named `name` (the repository's when no such stack). */
export function modeOfStack(config: Pick<DriftgateConfig, 'mode' | 'stacks'>, name: string): Mode {
  return modeOf(
    config,
    config.stacks.find((stack) => stack.name === name),
  );
}

const LATITUDE: Record<Mode, number> = { report: 0, propose: 1, remediate: 2 };

/**
 * The stricter of two modes. A caller that may do at most `cap` (the Action's `mode` input)
 * in a stack whose config says `configured` does what both allow.
 */
export function stricterMode(configured: Mode, cap: Mode): Mode {
  return LATITUDE[cap] < LATITUDE[configured] ? cap : configured;
}

export const mayWritePullRequests = (mode: Mode): boolean => mode !== 'report';
export const mayMerge = (mode: Mode): boolean => mode === 'remediate';
export const mayExecute = (mode: Mode): boolean => mode === 'remediate';

/** One sentence a person reads on every PR and on the dashboard. */
export function describeMode(mode: Mode): string {
  switch (mode) {
    case 'report':
      return 'Mode **report**: driftgate reports drift (dashboard, `driftgate/guard`) and opens, merges and executes nothing.';
    case 'propose':
      return 'Mode **propose**: driftgate opens this PR but never merges or executes it; a person merges it and applies the change.';
    case 'remediate':
      return 'Mode **remediate**: driftgate merges and executes what its tiers allow.';
  }
}
