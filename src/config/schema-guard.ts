/**
 * Config keys of the guardrails that bound what driftgate does by itself: the mode (per
 * repository, overridable per stack) and the hotfix guard on ordinary pull requests.
 * Referenced from schema.ts; documented in docs/guardrails.md.
 */
import { z } from 'zod';

/**
 * The default for a repository without `mode`: today's behaviour. Tiers already keep
 * execution to reviewed or low-risk drift (tier 1 is dev by default, core prod is tier 3);
 * a team that wants to watch first sets `mode: report` (docs/guardrails.md#modes).
 */
export const DEFAULT_MODE = 'remediate';

export const modeSchema = z
  .enum(['report', 'propose', 'remediate'])
  .describe(
    'report: detect and report only (dashboard, guard, notifications; no branches, PRs or executions); propose: open PRs, never merge or execute them; remediate: PRs, tier-1 auto-merge and execution of merged PRs.',
  );

export const guardSchema = z
  .object({
    block_tiers: z
      .array(z.union([z.literal(1), z.literal(2), z.literal(3)]))
      .default([3])
      .describe(
        'The driftgate/guard check fails when a PR would revert a drift at one of these tiers (besides narrowing and hotfix drifts, which always fail it).',
      ),
  })
  .strict();

export type GuardConfig = z.infer<typeof guardSchema>;
