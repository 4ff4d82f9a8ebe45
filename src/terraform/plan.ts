/**
 * Terraform plan JSON (`terraform show -json PLANFILE`). driftgate reads
 * `resource_drift`: the changes Terraform's refresh found between the recorded state
 * and the real objects, in the same shape as `resource_changes`. A plan without the
 * key (older Terraform, or nothing drifted) simply has no drift.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DriftgateError } from '../errors.js';
import { assertJsonDepth } from '../input-limits.js';
import {
  jsonErrorPosition,
  parseWith,
  sensitivityMark,
  showJsonStateValues,
  instancesFromShowJson,
  type StateInstance,
} from './state.js';

const changeAction = z.enum(['no-op', 'create', 'read', 'update', 'delete', 'forget', 'open']);

/** A resource's values: an object of attributes, or null when the object does not exist. */
const resourceValues = z.record(z.string(), z.unknown()).nullable();

const resourceChange = z
  .object({
    address: z.string(),
    module_address: z.string().optional(),
    mode: z.enum(['managed', 'data']),
    type: z.string(),
    name: z.string(),
    index: z.union([z.string(), z.number()]).optional(),
    provider_name: z.string().optional(),
    deposed: z.string().optional(),
    change: z
      .object({
        actions: z.array(changeAction).min(1),
        before: resourceValues.optional(),
        after: resourceValues.optional(),
        before_sensitive: sensitivityMark.optional(),
        after_sensitive: sensitivityMark.optional(),
        after_unknown: z.unknown().optional(),
      })
      .loose(),
    action_reason: z.string().optional(),
  })
  .loose();

const planSchema = z
  .object({
    format_version: z.string().regex(/^\d+\.\d+$/, 'expected a version such as "1.2"'),
    terraform_version: z.string().optional(),
    resource_drift: z.array(resourceChange).optional(),
    resource_changes: z.array(resourceChange).optional(),
    prior_state: z.object({ values: showJsonStateValues.optional() }).loose().optional(),
    errored: z.boolean().optional(),
  })
  .loose();

export type ResourceChange = z.infer<typeof resourceChange>;

export interface TerraformPlan {
  formatVersion: string;
  terraformVersion: string | undefined;
  /** Whether the plan carried the `resource_drift` key at all. */
  hasDriftSection: boolean;
  resourceDrift: ResourceChange[];
  resourceChanges: ResourceChange[];
  priorState: StateInstance[];
  errored: boolean;
}

export function parsePlan(text: string, source: string): TerraformPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DriftgateError(`not valid JSON (${jsonErrorPosition(error)})`, { file: source });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('format_version' in raw)) {
    throw new DriftgateError(
      'not a Terraform plan: expected the output of `terraform show -json PLANFILE` (it has "format_version")',
      { file: source },
    );
  }
  assertJsonDepth(raw, source);
  if ('values' in raw && !('planned_values' in raw) && !('resource_changes' in raw)) {
    throw new DriftgateError('this is `terraform show -json` of a state, not of a plan', {
      file: source,
    });
  }
  const plan = parseWith(planSchema, raw, source);
  const major = Number(plan.format_version.split('.')[0]);
  if (major > 1) {
    throw new DriftgateError(
      `plan format_version ${plan.format_version} is newer than driftgate understands (1.x)`,
      {
        file: source,
      },
    );
  }
  return {
    formatVersion: plan.format_version,
    terraformVersion: plan.terraform_version,
    hasDriftSection: plan.resource_drift !== undefined,
    resourceDrift: plan.resource_drift ?? [],
    resourceChanges: plan.resource_changes ?? [],
    priorState: plan.prior_state?.values?.root_module
      ? instancesFromShowJson(plan.prior_state.values.root_module)
      : [],
    errored: plan.errored ?? false,
  };
}

export async function readPlanFile(path: string): Promise<TerraformPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DriftgateError(
      `cannot read plan: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  return parsePlan(text, path);
}
