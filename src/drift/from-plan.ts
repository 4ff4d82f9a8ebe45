/**
 * Drift from Terraform's own refresh: each managed entry of a plan's `resource_drift`
 * becomes exactly one Drift (none invented, none lost). Works for any provider; AWS
 * schema knowledge only refines set comparison and masking.
 */
import { knownSensitiveAttributes, setPredicateFor } from '../providers/aws/schema.js';
import { sensitivePathsFromMask } from '../terraform/state.js';
import type { TerraformPlan } from '../terraform/plan.js';
import { buildDrift } from './build.js';
import { noSets } from './diff.js';
import type { Drift } from './model.js';

export function driftsFromPlan(plan: TerraformPlan, stack: string): Drift[] {
  const drifts: Drift[] = [];
  for (const entry of plan.resourceDrift) {
    if (entry.mode !== 'managed' || entry.deposed) continue;
    const { actions, before, after } = entry.change;
    if (actions.length === 1 && actions[0] === 'no-op') continue;
    const deleted = actions.includes('delete') && (after === null || after === undefined);
    const sensitivePaths = [
      ...sensitivePathsFromMask(entry.change.before_sensitive),
      ...sensitivePathsFromMask(entry.change.after_sensitive),
      ...knownSensitiveAttributes(entry.type),
    ];
    const input = {
      stack,
      address: entry.address,
      type: entry.type,
      action: deleted ? ('delete' as const) : ('update' as const),
      recorded: before,
      live: after,
      sensitivePaths,
      isSet: setPredicateFor(entry.type),
      source: 'plan' as const,
    };
    let drift = buildDrift(input);
    if (!deleted && drift.changes.length === 0) {
      // Terraform saw a change that set-aware comparison does not: trust Terraform and
      // show the ordered difference rather than dropping what it reported.
      drift = buildDrift({ ...input, isSet: noSets });
    }
    drifts.push(drift);
  }
  return drifts;
}
