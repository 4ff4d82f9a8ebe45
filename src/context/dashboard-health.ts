/**
 * The dashboard's drift-health figures from the ledger: the median time to remediate per
 * stack and the addresses that keep drifting, over the last 30 days — the same figures
 * `driftgate stats` computes (stats.ts), kept in the dashboard's record so an unchanged
 * ledger writes nothing. Pure; every value is escaped.
 */
import { z } from 'zod';
import type { LedgerFront } from '../remediation/ledger.js';
import { inlineCode } from '../report/markdown.js';
import { computeDriftStats, formatHours } from './stats.js';

export const HEALTH_WINDOW_DAYS = 30;

export const driftHealthSchema = z.object({
  window_days: z.number(),
  stacks: z.array(
    z.object({
      stack: z.string(),
      remediated: z.number(),
      median_hours_to_remediate: z.number().nullable(),
    }),
  ),
  recurring: z.array(z.object({ stack: z.string(), address: z.string(), count: z.number() })),
});

export type DriftHealth = z.infer<typeof driftHealthSchema>;

/** Figures from the ledger records on the default branch, as of `now`. */
export function driftHealthOf(fronts: readonly LedgerFront[], now: Date): DriftHealth {
  const stats = computeDriftStats({
    records: fronts.map((front) => ({ front })),
    now,
    windowMs: HEALTH_WINDOW_DAYS * 24 * 3_600_000,
  });
  return {
    window_days: HEALTH_WINDOW_DAYS,
    stacks: stats.stacks,
    recurring: stats.recurring.slice(0, 20),
  };
}

export function renderDriftHealth(health: DriftHealth | undefined): string[] {
  if (!health || (!health.stacks.length && !health.recurring.length)) return [];
  const lines = [`## Remediation over the last ${health.window_days} days`, ''];
  if (health.stacks.length)
    lines.push(
      'Median time to remediate: ' +
        health.stacks
          .map(
            (row) =>
              `${inlineCode(row.stack)} ${formatHours(row.median_hours_to_remediate)} (${row.remediated} remediated)`,
          )
          .join(', ') +
        '.',
      '',
    );
  if (health.recurring.length)
    lines.push(
      'Recurring addresses: ' +
        health.recurring
          .map(
            (entry) => `${inlineCode(entry.address)} in ${inlineCode(entry.stack)} ×${entry.count}`,
          )
          .join(', ') +
        '.',
      '',
    );
  return lines;
}
