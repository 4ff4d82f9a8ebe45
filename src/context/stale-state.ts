/**
 * Is the recorded state merely behind the code? When codify would need no edit for any
 * change of a drift — the code on the default branch already says what is live — the drift
 * is between the state file and live only (an apply that never recorded, a state restored
 * from an old copy). Pure: asks the codify planner, which knows where each value is written.
 */
import type { Drift } from '../drift/model.js';
import { planCodify } from '../remediation/codify/planner.js';
import type { TerraformStack } from '../terraform/stack.js';

export function codeAlreadyEqualsLive(stack: TerraformStack | undefined, drift: Drift): boolean {
  if (!stack || drift.action !== 'update' || drift.changes.length === 0) return false;
  try {
    // Values from .tfvars are not read here: a change that leads to one is not called stale.
    const plan = planCodify({ stack, tfvars: [], tfvarsTexts: new Map() }, drift);
    return plan.edits.length === 0 && plan.refusals.length === 0 && plan.unchanged.length > 0;
  } catch {
    return false;
  }
}
