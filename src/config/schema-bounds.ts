/**
 * The config keys of driftgate's bounds (docs/guardrails.md): hourly execution caps, flap
 * detection and notifications. Referenced from schema.ts, one line each.
 */
import { z } from 'zod';

export const DEFAULT_EXECUTIONS_PER_HOUR = { stack: 5, installation: 20 };

export const executionsPerHourSchema = z
  .object({
    stack: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_EXECUTIONS_PER_HOUR.stack)
      .describe('Executions of merged remediations per stack in any hour; more wait.'),
    installation: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_EXECUTIONS_PER_HOUR.installation)
      .describe('Executions per installation (every repository of it) in any hour; more wait.'),
  })
  .strict()
  .default(DEFAULT_EXECUTIONS_PER_HOUR)
  .describe('Blast-radius caps: an execution over a cap waits (queued), it is never dropped.');

export const flappingSchema = z
  .object({
    window_hours: z
      .number()
      .int()
      .positive()
      .max(720)
      .default(24)
      .describe('How far back executed reverts of the same drift count.'),
    threshold: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(2)
      .describe('Returns after an executed revert, within the window, that make a drift flapping.'),
    direction: z
      .enum(['codify', 'ignore'])
      .default('codify')
      .describe(
        'What a flapping drift is proposed as: codify (the code follows live), or ignore (no PR; the dashboard lists it).',
      ),
  })
  .strict()
  .default({ window_hours: 24, threshold: 2, direction: 'codify' });

export const NOTIFY_EVENTS = ['drift', 'execution', 'breaker', 'flapping', 'guard'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const notificationTargetSchema = z
  .object({
    target: z
      .string()
      .regex(
        /^[A-Z0-9_]+$/,
        'a name in capitals, digits and "_": the app reads its URL from DRIFTGATE_NOTIFY_<NAME>',
      )
      .describe(
        'Names the app environment variable DRIFTGATE_NOTIFY_<target> that holds the URL (a secret).',
      ),
    kind: z
      .enum(['slack', 'webhook'])
      .describe(
        'slack: an incoming webhook; webhook: JSON signed with HMAC-SHA256 (secret in DRIFTGATE_NOTIFY_<target>_SECRET).',
      ),
    events: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1)
      .default([...NOTIFY_EVENTS])
      .describe('Which events this target hears about.'),
  })
  .strict();

export const notificationsSchema = z.array(notificationTargetSchema).default([]);

export type FlappingConfig = z.infer<typeof flappingSchema>;
export type NotificationTarget = z.infer<typeof notificationTargetSchema>;
