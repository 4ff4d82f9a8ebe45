/**
 * The config keys of driftgate's context features (docs/context.md): which roles are
 * Terraform's, how related drifts are grouped, rules keyed on the cause, whether precedent
 * from the ledger sets the default direction, and training mode. Spread into the config
 * schema by `contextConfigShape`.
 */
import { z } from 'zod';
import { CAUSES } from '../context/cause.js';

const patterns = z.union([z.string(), z.array(z.string())]);

/** `match.cause` of a tier or direction rule. */
export const causeMatchSchema = z
  .union([z.enum(CAUSES), z.array(z.enum(CAUSES))])
  .describe('Cause(s): manual, automation, terraform, stale-state, unknown.');

export const directionRuleSchema = z
  .object({
    match: z
      .object({
        cause: causeMatchSchema.optional(),
        environment: patterns.optional(),
        type: patterns.optional().describe('Resource type globs.'),
        address: patterns.optional().describe('Address globs.'),
        stack: patterns.optional(),
      })
      .strict(),
    direction: z.enum(['revert', 'codify']),
    reason: z.string().optional(),
  })
  .strict();

export const causeSettingsSchema = z
  .object({
    terraform_roles: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Terraform's own roles (ARNs or role names, globs): a change made by one is cause `terraform`.",
      ),
    group_window_minutes: z
      .number()
      .int()
      .positive()
      .max(1440)
      .default(15)
      .describe('Drifts in several stacks by one actor within this many minutes are grouped.'),
  })
  .strict();

export const contextConfigShape = {
  cause: causeSettingsSchema.default({ terraform_roles: [], group_window_minutes: 15 }),
  direction_rules: z
    .array(directionRuleSchema)
    .default([])
    .describe(
      'Default direction by cause, type, address, stack or environment; a change that narrowed exposure, or a hotfix tag, still decides first.',
    ),
  precedent: z
    .enum(['show', 'follow', 'off'])
    .default('show')
    .describe(
      'show: past decisions on similar drifts appear in the PR; follow: a clear majority also sets the default direction.',
    ),
};

export type DirectionRule = z.infer<typeof directionRuleSchema>;
export type CauseSettings = z.infer<typeof causeSettingsSchema>;
