/**
 * `.github/driftgate.yml`: the one file a team writes to use driftgate. Strict: an
 * unknown key is an error (a typo must not silently disable a rule).
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { repositoryPathProblem } from './repository-path.js';
import { DEFAULT_MODE, guardSchema, modeSchema } from './schema-guard.js';
import { policyChecksSchema } from './schema-policy-engine.js';
import { extendsSchema } from './schema-extends.js';
import {
  DEFAULT_EXECUTIONS_PER_HOUR,
  executionsPerHourSchema,
  flappingSchema,
  notificationsSchema,
} from './schema-bounds.js';
import { causeMatchSchema, contextConfigShape } from './schema-context.js';
import { trainingConfigShape } from './schema-training.js';

function isValidCron(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

const stackName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'use letters, digits, ".", "_" or "-" (it becomes part of a branch name)',
  );

const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'expected an IAM role ARN');

/** The default of `limits.plan_json_bytes`: Terraform plans of large estates stay well under. */
export const DEFAULT_PLAN_JSON_BYTES = 64 * 1024 * 1024;
/** The most `limits.plan_json_bytes` may be raised to: the app's memory is shared by every repository. */
export const MAX_PLAN_JSON_BYTES = 256 * 1024 * 1024;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

export const awsSettingsSchema = z
  .object({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as eu-west-1')
      .optional(),
    role: roleArn.optional().describe('Read-only role driftgate assumes to scan this stack.'),
    apply_role: roleArn.optional().describe('Role driftgate assumes to execute a merged revert.'),
  })
  .strict();

export const stackSchema = z
  .object({
    name: stackName,
    dir: z
      .string()
      .min(1)
      .superRefine((dir, context) => {
        const problem = repositoryPathProblem(dir);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        'The Terraform root module, relative to the repository root (no "..", not absolute).',
      ),
    environment: z
      .string()
      .min(1)
      .default('default')
      .describe('dev, staging, prod, or a name of your own.'),
    state: z
      .string()
      .min(1)
      .superRefine((state, context) => {
        // A local state file is read from the repository (the app) or the checkout (the CLI).
        const problem = state.startsWith('s3://') ? undefined : repositoryPathProblem(state);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe(
        'State file path or s3://bucket/key; default: the backend "s3" block, else terraform.tfstate.',
      ),
    workspace: z.string().min(1).default('default'),
    source: z
      .enum(['aws', 'plan'])
      .default('aws')
      .describe(
        'aws: the app scans EC2 live; plan: drift comes only from plan JSON artifacts a workflow sends (any provider).',
      ),
    aws: awsSettingsSchema.default({}),
    apply_workflow: z
      .string()
      .regex(
        /^[\w.-]+\.ya?ml$/,
        'expected a workflow file name in .github/workflows, e.g. terraform-apply.yml',
      )
      .optional()
      .describe(
        'For `source: plan` stacks: the workflow driftgate dispatches to apply a merged revert (inputs: stack, targets, pull_request).',
      ),
    mode: modeSchema.optional().describe("This stack's mode; default: the repository's `mode`."),
  })
  .strict();

export const tierRuleSchema = z
  .object({
    match: z
      .object({
        environment: z.union([z.string(), z.array(z.string())]).optional(),
        type: z
          .union([z.string(), z.array(z.string())])
          .optional()
          .describe('Resource type globs.'),
        address: z
          .union([z.string(), z.array(z.string())])
          .optional()
          .describe('Address globs.'),
        stack: z.union([z.string(), z.array(z.string())]).optional(),
        cause: causeMatchSchema.optional(),
      })
      .strict(),
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    reason: z.string().optional(),
  })
  .strict();

export const ignoreRuleSchema = z
  .object({
    address: z.string().min(1).describe('Address glob, e.g. aws_security_group.legacy_*'),
    attributes: z
      .array(z.string().min(1))
      .optional()
      .describe('Attribute path globs; omit to ignore the resource.'),
    until: isoDate.optional(),
    reason: z.string().min(1, 'say why, so the next engineer knows').optional(),
    owner: z
      .string()
      .min(1)
      .optional()
      .describe('Who asked for the ignore (a GitHub login); /driftgate ignore fills it in.'),
  })
  .strict();

export const attributionSchema = z
  .object({
    source: z
      .enum(['lookup-events', 's3', 'off'])
      .default('lookup-events')
      .describe(
        'Where CloudTrail events come from: the LookupEvents API, trail log files in S3, or off.',
      ),
    s3: z
      .object({
        bucket: z.string().min(1),
        prefix: z.string().default('').describe("The trail's S3 key prefix, if it has one."),
        account_id: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
      })
      .strict()
      .optional(),
    lookback_hours: z.number().int().positive().max(2160).default(168),
  })
  .strict()
  .refine((value) => value.source !== 's3' || value.s3 !== undefined, {
    message: 'source s3 needs s3.bucket and s3.account_id',
    path: ['s3'],
  });

export const configSchema = z
  .object({
    _extends: extendsSchema.optional(),
    version: z.literal(1).default(1),
    schedule: z
      .string()
      .regex(/^(\S+\s+){4}\S+$/, 'expected a five-field cron expression such as "0 */6 * * *"')
      .refine(
        isValidCron,
        'not a valid cron expression (minute hour day-of-month month day-of-week)',
      )
      .default('0 */6 * * *')
      .describe(
        'When the app scans (UTC, five-field cron); each repository gets a stable delay of up to 10 minutes.',
      ),
    stacks: z.array(stackSchema).min(1, 'list at least one stack'),
    tiers: z
      .object({
        rules: z.array(tierRuleSchema).default([]),
        use_defaults: z
          .boolean()
          .default(true)
          .describe('Also apply the built-in rules (dev 1, staging 2, core prod 3).'),
      })
      .strict()
      .default({ rules: [], use_defaults: true }),
    ignore: z.array(ignoreRuleSchema).default([]),
    hotfix_tag: z.string().min(1).default('driftgate:hotfix'),
    mode: modeSchema.default(DEFAULT_MODE),
    guard: guardSchema.default({ block_tiers: [3] }),
    attribution: attributionSchema.default({ source: 'lookup-events', lookback_hours: 168 }),
    limits: z
      .object({
        prs_per_hour: z.number().int().positive().default(10),
        plan_json_bytes: z
          .number()
          .int()
          .positive()
          .max(MAX_PLAN_JSON_BYTES)
          .default(DEFAULT_PLAN_JSON_BYTES)
          .describe(
            'Largest plan JSON a plan artifact may inflate to (bytes); a larger or lying zip fails the driftgate/scan check.',
          ),
        executions_per_hour: executionsPerHourSchema,
      })
      .strict()
      .default({
        prs_per_hour: 10,
        plan_json_bytes: DEFAULT_PLAN_JSON_BYTES,
        executions_per_hour: DEFAULT_EXECUTIONS_PER_HOUR,
      }),
    policy_checks: policyChecksSchema,
    flapping: flappingSchema,
    notifications: notificationsSchema,
    ...contextConfigShape,
    ...trainingConfigShape,
  })
  .strict()
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.stacks.forEach((stack, index) => {
      if (seen.has(stack.name)) {
        context.addIssue({
          code: 'custom',
          path: ['stacks', index, 'name'],
          message: `duplicate stack name "${stack.name}"`,
        });
      }
      seen.add(stack.name);
    });
  });

export type DriftgateConfig = z.infer<typeof configSchema>;
export type StackConfig = z.infer<typeof stackSchema>;
export type TierRule = z.infer<typeof tierRuleSchema>;
export type IgnoreRuleConfig = z.infer<typeof ignoreRuleSchema>;
