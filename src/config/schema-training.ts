/**
 * The `training` config key (docs/context.md, "Training mode"): who the learners are, which
 * of their AWS identities CloudTrail names them by, which drifts they get, and how long
 * auto-merge waits for them. Spread into the config schema by `trainingConfigShape`.
 */
import { z } from 'zod';

/** GitHub's login rule: letters, digits and single hyphens, at most 39 characters. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export const learnerSchema = z
  .object({
    github: z.string().regex(GITHUB_LOGIN, 'expected a GitHub login'),
    aws: z
      .array(z.string().min(1))
      .min(1, 'list at least one AWS identity')
      .describe(
        'How CloudTrail names this person: IAM user names, SSO session names (usually the e-mail) or full ARNs (user or assumed-role session).',
      ),
  })
  .strict();

export const trainingSchema = z
  .object({
    learners: z.array(learnerSchema).min(1, 'list at least one learner'),
    stacks: z
      .array(z.string().min(1))
      .optional()
      .describe('Stack name globs whose drifts go to learners; all stacks when absent.'),
    tiers: z
      .array(z.union([z.literal(1), z.literal(2)]))
      .default([1])
      .describe('Tiers whose drifts go to learners (1, or 1 and 2; tier 3 never).'),
    hold_hours: z
      .number()
      .positive()
      .max(720)
      .default(24)
      .describe('How long auto-merge waits for the learner to fix the drift by hand.'),
  })
  .strict();

export const trainingConfigShape = {
  training: trainingSchema
    .optional()
    .describe(
      'Training mode: matching drift PRs are assigned to a learner with a by-hand checklist, auto-merge held.',
    ),
};

export type TrainingConfig = z.infer<typeof trainingSchema>;
export type Learner = z.infer<typeof learnerSchema>;
